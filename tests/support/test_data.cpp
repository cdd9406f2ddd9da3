#include "test_data.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace fs = std::filesystem;

namespace nerv_test {

namespace {
// A test build carried to another machine (scripts/gpu/run.sh) finds the tree it runs in through
// these variables; otherwise the paths of the build apply.
std::string dir_from_env(const char *name, const char *built_in)
{
    const char *v = std::getenv(name);
    return v && *v ? v : built_in;
}
}  // namespace

std::string fixture(const std::string &name)
{
    return dir_from_env("NERV_TEST_FIXTURES", NERV_TEST_FIXTURES) + "/" + name;
}

std::string shared_file(const std::string &relative)
{
    fs::path p = fs::path(dir_from_env("NERV_TEST_SHARED", NERV_TEST_SHARED)) / relative;
    std::error_code ec;
    return fs::exists(p, ec) ? fs::canonical(p, ec).string() : std::string();
}

std::string bin_dir() { return dir_from_env("NERV_TEST_BIN_DIR", NERV_TEST_BIN_DIR); }

namespace {
std::vector<std::string> &temp_dirs()
{
    // Never destroyed: the atexit handler below runs after function-local statics die.
    static auto *dirs = new std::vector<std::string>;
    return *dirs;
}
void remove_temp_dirs()
{
    std::error_code ec;
    for (const auto &d : temp_dirs())
        fs::remove_all(d, ec);
}
}  // namespace

std::string temp_dir()
{
    static std::once_flag once;
    std::call_once(once, [] { std::atexit(remove_temp_dirs); });
    std::string templ = (fs::temp_directory_path() / "nerv-test-XXXXXX").string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    const char *d = mkdtemp(buf.data());
    std::string dir = d ? d : "";
    if (!dir.empty())
        temp_dirs().push_back(dir);
    return dir;
}

}  // namespace nerv_test
