// Command-line arguments: positionals plus "--name value" / "-o value" options.
// Every option takes a value except the flags a command declares.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nerv_cli {

struct Args {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;  // in order, name without dashes
    std::set<std::string> flags;

    /** Parse argv[first..]; `flag_names` take no value. Returns false with *error set. */
    bool parse(int argc, char **argv, int first, const std::set<std::string> &flag_names, std::string *error);
    /** Last value of an option, or fallback. */
    std::string get(const std::string &name, const std::string &fallback = "") const;
    bool has(const std::string &name) const;
    /** False with *error naming the first option not in `known` (a typo must not pass silently). */
    bool only(const std::set<std::string> &known, std::string *error) const;
};

}  // namespace nerv_cli
