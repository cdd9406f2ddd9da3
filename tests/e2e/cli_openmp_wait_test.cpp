// The CLI starts LibTorch's OpenMP threads with a short spin (GOMP_SPINCOUNT=1000) unless the user
// chose a wait policy; checked by what libgomp itself reports it read (OMP_DISPLAY_ENV=verbose).
#include <gtest/gtest.h>

#include <string>

#include "cli_runner.h"
#include "openmp_wait_default.h"
#include "test_data.h"

namespace {

/** The value libgomp prints for NAME ("  NAME = 'VALUE'"), or "" when it printed none. */
std::string libgomp_setting(const std::string &env, const std::string &name)
{
    const auto r = nerv_test::run_shell("env -u GOMP_SPINCOUNT -u OMP_WAIT_POLICY " + env + " OMP_DISPLAY_ENV=verbose " +
                                        nerv_test::bin_dir() + "/nerv --version");
    EXPECT_EQ(r.status, 0) << r.output;
    const std::string key = name + " = '";
    const auto at = r.output.find(key);
    if (at == std::string::npos)
        return "";
    const auto begin = at + key.size();
    return r.output.substr(begin, r.output.find('\'', begin) - begin);
}

TEST(CliOpenmpWaitTest, ShortSpinByDefault)
{
    const std::string spin = libgomp_setting("", "GOMP_SPINCOUNT");
    if (spin.empty())
        GTEST_SKIP() << "LibTorch's OpenMP runtime is not libgomp (it printed no GOMP_SPINCOUNT)";
    EXPECT_EQ(spin, kOpenmpSpinDefault);
}

TEST(CliOpenmpWaitTest, TheUsersChoiceWins)
{
    if (libgomp_setting("", "GOMP_SPINCOUNT").empty())
        GTEST_SKIP() << "LibTorch's OpenMP runtime is not libgomp";
    EXPECT_EQ(libgomp_setting("GOMP_SPINCOUNT=300000", "GOMP_SPINCOUNT"), "300000");
    EXPECT_EQ(libgomp_setting("OMP_WAIT_POLICY=passive", "OMP_WAIT_POLICY"), "PASSIVE");
    EXPECT_EQ(libgomp_setting("OMP_WAIT_POLICY=passive", "GOMP_SPINCOUNT"), "0");
    EXPECT_EQ(libgomp_setting("OMP_WAIT_POLICY=active", "OMP_WAIT_POLICY"), "ACTIVE");
}

}  // namespace
