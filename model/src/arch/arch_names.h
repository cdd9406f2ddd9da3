// Torch-free view of the architecture registry, for the C API's validation code.
#pragma once

#include <string>

namespace nerv {

bool arch_exists(const char *name);
/** "nerv, hnerv, enerv, ..." */
std::string arch_name_list();
int arch_count();
/** Registry entry i's name / description, or nullptr. */
const char *arch_name(int i);
const char *arch_description(int i);

}  // namespace nerv
