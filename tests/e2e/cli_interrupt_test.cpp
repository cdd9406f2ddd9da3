// Ctrl-C during `nerv encode`: training stops within an iteration, no output file appears, the
// checkpoint OUT.nerv.ckpt keeps the work, and the same command with --resume finishes it,
// writing the bytes an uninterrupted encode writes.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "cli_runner.h"
#include "stream_edit.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

struct Interrupted {
    int status = -1;
    std::string output;
    bool signalled = false;
};

/** Runs nerv with `args`, sends SIGINT once stderr shows a training epoch, waits for the exit. */
Interrupted run_and_interrupt(const std::vector<std::string> &args)
{
    Interrupted r;
    int fds[2];
    if (pipe(fds) != 0)
        return r;
    const std::string exe = nerv_test::bin_dir() + "/nerv";
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        std::vector<char *> argv = {const_cast<char *>(exe.c_str())};
        for (const std::string &a : args)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
        r.output.append(buf, static_cast<size_t>(n));
        if (!r.signalled && r.output.find(" epoch ") != std::string::npos) {
            kill(pid, SIGINT);
            r.signalled = true;
        }
    }
    close(fds[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

TEST(CliInterruptTest, CtrlCLeavesACheckpointAndResumeFinishesTheSameFile)
{
    const std::string dir = nerv_test::temp_dir();
    ASSERT_EQ(nerv_test::run_nerv("synth -o " + dir + "/s.y4m --width 32 --height 32 --frames 2").status, 0);
    const std::vector<std::string> settings = {"--size", "20k", "--epochs", "300", "--device", "cpu",
                                               "--threads", "1", "--checkpoint_every", "5"};
    std::string settings_text;
    for (const std::string &s : settings)
        settings_text += " " + s;

    const std::string out = dir + "/i.nerv", ckpt = out + ".ckpt";
    std::vector<std::string> args = {"encode", dir + "/s.y4m", "-o", out};
    args.insert(args.end(), settings.begin(), settings.end());
    const Interrupted stopped = run_and_interrupt(args);
    ASSERT_TRUE(stopped.signalled) << stopped.output;
    EXPECT_EQ(stopped.status, 130) << stopped.output;
    EXPECT_NE(stopped.output.find("--resume"), std::string::npos) << stopped.output;
    EXPECT_FALSE(fs::exists(out)) << "an interrupted encode must not leave its output";
    ASSERT_TRUE(fs::exists(ckpt)) << stopped.output;
    for (const auto &e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << "left a temporary file: " << e.path();

    const auto resumed = nerv_test::run_nerv("encode " + dir + "/s.y4m -o " + out + settings_text + " --resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    EXPECT_NE(resumed.output.find("resuming"), std::string::npos) << resumed.output;
    EXPECT_FALSE(fs::exists(ckpt)) << "a finished encode removes its checkpoint";

    const auto whole = nerv_test::run_nerv("encode " + dir + "/s.y4m -o " + dir + "/w.nerv" + settings_text + " -q");
    ASSERT_EQ(whole.status, 0) << whole.output;
    EXPECT_TRUE(nerv_test::read_binary_file(out) == nerv_test::read_binary_file(dir + "/w.nerv"))
        << "the resumed encode wrote other bytes than an uninterrupted one";
}

}  // namespace
