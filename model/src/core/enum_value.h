// C callers may store any integer in an enum field of a settings struct; loading an
// out-of-range enumerator in C++ is undefined behaviour (UBSan traps it). Read such
// fields as plain integers before validating them.
#pragma once

#include <cstring>

namespace nerv {

template <typename Enum>
int enum_value(const Enum &field)
{
    static_assert(sizeof(Enum) == sizeof(int), "C enums are int-sized on supported compilers");
    int v;
    std::memcpy(&v, &field, sizeof(v));
    return v;
}

}  // namespace nerv
