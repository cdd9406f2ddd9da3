#include "arch/registry.h"

#include <cctype>
#include <cstdlib>

#include "arch/dnerv.h"
#include "arch/enerv.h"
#include "arch/hnerv.h"
#include "arch/nerv.h"
#include "arch/pnerv_poly.h"
#include "arch/pnerv_pyramidal.h"
#include "arch/snerv.h"
#include "arch/snerv_t.h"

namespace nerv {

const std::vector<ArchEntry> &arch_registry()
{
    // One line per architecture, in the order `nerv arch --list` shows them.
    static const std::vector<ArchEntry> entries = {
        nerv_arch_entry(),
        hnerv_arch_entry(),
        enerv_arch_entry(),
        dnerv_arch_entry(),
        snerv_arch_entry(),
        snerv_t_arch_entry(),
        pnerv_pyramidal_arch_entry(),
        pnerv_poly_arch_entry(),
    };
    return entries;
}

const ArchEntry *find_arch(const std::string &name)
{
    for (const auto &e : arch_registry()) {
        if (name == e.name)
            return &e;
    }
    return nullptr;
}

std::string archs_rendering_any_size()
{
    std::string names;
    for (const auto &e : arch_registry()) {
        if (e.renders_any_size)
            names += (names.empty() ? "" : ", ") + std::string(e.name);
    }
    return names;
}

double parse_parameter_budget(const std::string &text)
{
    if (text.empty())
        return -1;
    char *end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !(v > 0))
        return -1;
    std::string suffix(end);
    if (suffix.empty())
        return v;
    if (suffix.size() == 1) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(suffix[0])));
        if (c == 'k')
            return v * 1e3;
        if (c == 'm')
            return v * 1e6;
    }
    return -1;
}

}  // namespace nerv

#include "arch/arch_names.h"

namespace nerv {

bool arch_exists(const char *name) { return name && find_arch(name) != nullptr; }

int arch_count() { return static_cast<int>(arch_registry().size()); }

const char *arch_name(int i) { return i >= 0 && i < arch_count() ? arch_registry()[i].name : nullptr; }

const char *arch_description(int i) { return i >= 0 && i < arch_count() ? arch_registry()[i].description : nullptr; }

std::string arch_name_list()
{
    std::string out;
    for (const auto &e : arch_registry())
        out += (out.empty() ? "" : ", ") + std::string(e.name);
    return out;
}

}  // namespace nerv
