#include "args.h"

namespace nerv_cli {

bool Args::parse(int argc, char **argv, int first, const std::set<std::string> &flag_names, std::string *error)
{
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a.size() > 1 && a[0] == '-' && a != "-") {
            std::string name = a.substr(a[1] == '-' ? 2 : 1);
            std::string value;
            const size_t eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (flag_names.count(name)) {
                flags.insert(name);
                continue;
            } else {
                if (i + 1 >= argc) {
                    *error = "option '" + a + "' needs a value";
                    return false;
                }
                value = argv[++i];
            }
            for (char &c : name) {
                if (c == '-')
                    c = '_';  // --segment-frames == --segment_frames
            }
            options.emplace_back(name, value);
        } else {
            positional.push_back(a);
        }
    }
    return true;
}

std::string Args::get(const std::string &name, const std::string &fallback) const
{
    std::string v = fallback;
    for (const auto &o : options) {
        if (o.first == name)
            v = o.second;
    }
    return v;
}

bool Args::has(const std::string &name) const
{
    for (const auto &o : options) {
        if (o.first == name)
            return true;
    }
    return flags.count(name) != 0;
}

bool Args::only(const std::set<std::string> &known, std::string *error) const
{
    for (const auto &o : options) {
        if (!known.count(o.first)) {
            *error = "unknown option '--" + o.first + "'";
            return false;
        }
    }
    return true;
}

}  // namespace nerv_cli
