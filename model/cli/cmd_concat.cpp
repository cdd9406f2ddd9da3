// nerv concat: join the parts of one video (encoded with --segments A:B) into one stream.
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "nerv/nerv.h"

namespace nerv_cli {
namespace {

int write_to_file(void *user, const uint8_t *data, size_t size)
{
    return std::fwrite(data, 1, size, static_cast<FILE *>(user)) == size ? 0 : -EIO;
}

}  // namespace

int cmd_concat(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {}, &error) || !args.only({"o"}, &error)) {
        std::fprintf(stderr, "nerv concat: %s\n", error.c_str());
        return 2;
    }
    if (args.positional.empty() || !args.has("o")) {
        std::fprintf(stderr, "usage: nerv concat PART.nerv [PART.nerv ...] -o OUT.nerv\n"
                             "  joins parts encoded with --segments A:B, given in frame order\n");
        return 2;
    }
    std::vector<std::string> bytes(args.positional.size());
    std::vector<const uint8_t *> data;
    std::vector<size_t> sizes;
    std::vector<const char *> names;
    for (size_t i = 0; i < args.positional.size(); ++i) {
        if (!read_file(args.positional[i], &bytes[i], &error)) {
            std::fprintf(stderr, "nerv concat: %s\n", error.c_str());
            return 1;
        }
        data.push_back(reinterpret_cast<const uint8_t *>(bytes[i].data()));
        sizes.push_back(bytes[i].size());
        names.push_back(args.positional[i].c_str());
    }
    AtomicFile out;
    if (!out.open(args.get("o"), &error)) {
        std::fprintf(stderr, "nerv concat: %s\n", error.c_str());
        return 1;
    }
    const int ret = nerv_concat_streams(data.data(), sizes.data(), names.data(), static_cast<int>(data.size()),
                                        write_to_file, out.file());
    if (ret < 0)
        return report_error("concat", ret);
    if (!out.commit(&error)) {
        std::fprintf(stderr, "nerv concat: %s\n", error.c_str());
        return 1;
    }
    return 0;
}

}  // namespace nerv_cli
