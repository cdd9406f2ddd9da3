// Parity with pytorch_msssim / the references on real frames: the values in
// shared/reference/golden-metrics.json were computed in float64 with the Python library.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "metrics/psnr.h"
#include "metrics/ssim.h"
#include "test_data.h"
#include "train/loss.h"

namespace NERV_TEST_FILE {

constexpr int64_t kWidth = 1024, kHeight = 436;
// Measured disagreement: <= 4.2e-15 relative (gradient sum), most values bit-exact. The
// margin covers float64 accumulation order on other CPUs; the window's float32 bits, to
// which these values are far more sensitive, are pinned by GaussianWindowTest.
constexpr double kRelativeTolerance = 1e-10;

/** Frame NNNN of the Sintel PNGs as [1,3,H,W] float64 in [0,1], or undefined if unavailable. */
torch::Tensor load_frame(int number)
{
    char name[64];
    std::snprintf(name, sizeof name, "data/sintel_1024x436_png/frame_%04d.png", number);
    const std::string path = nerv_test::shared_file(name);
    if (path.empty() || std::system("ffmpeg -version >/dev/null 2>&1") != 0)
        return {};
    const std::string command = "ffmpeg -v error -i '" + path + "' -f rawvideo -pix_fmt rgb24 -";
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe)
        return {};
    std::vector<uint8_t> rgb(size_t(kWidth * kHeight * 3) + 1);  // one spare byte detects oversize output
    const size_t got = std::fread(rgb.data(), 1, rgb.size(), pipe);
    const int status = pclose(pipe);
    if (status != 0 || got != size_t(kWidth * kHeight * 3))
        return {};
    return torch::from_blob(rgb.data(), {kHeight, kWidth, 3}, torch::kUInt8)
        .permute({2, 0, 1})
        .unsqueeze(0)
        .to(torch::kDouble)
        .div(255.0)
        .contiguous();
}

class MetricsGoldenTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        for (int n : {16, 17, 20})
            frames()[n] = load_frame(n);
    }
    static void TearDownTestSuite() { frames().clear(); }
    static std::map<int, torch::Tensor> &frames()
    {
        static std::map<int, torch::Tensor> loaded;
        return loaded;
    }

    void SetUp() override
    {
        for (const auto &entry : frames())
            if (!entry.second.defined())
                GTEST_SKIP() << "Sintel frames or ffmpeg unavailable";
    }
    static const torch::Tensor &frame(int n) { return frames().at(n); }
    static torch::Tensor crop(const torch::Tensor &t) { return t.slice(2, 0, 176).slice(3, 0, 320); }
};

double scalar(const torch::Tensor &t) { return t.item<double>(); }

void expect_relative(double actual, double expected, const char *what)
{
    EXPECT_NEAR(actual, expected, std::abs(expected) * kRelativeTolerance)
        << what << ": abs error " << std::abs(actual - expected);
}

TEST_F(MetricsGoldenTest, Frames16Vs17MatchPytorchMsssim)
{
    const torch::Tensor &x = frame(16), &y = frame(17);
    expect_relative(scalar(nerv::psnr(x, y)), 20.861366413525737, "psnr");
    expect_relative(scalar(nerv::ssim(x, y)), 0.6372530293232649, "ssim");
    expect_relative(scalar(nerv::ms_ssim(x, y)), 0.8154828267972963, "ms_ssim");
    expect_relative(scalar((x - y).abs().mean()), 0.04439254498148649, "l1");
    expect_relative(scalar(nerv::LossFunction(nerv::LossKind::Fusion6)(x, y)), 0.13989887269006107, "fusion6");
}

TEST_F(MetricsGoldenTest, Frames16Vs20MatchPytorchMsssim)
{
    const torch::Tensor &x = frame(16), &y = frame(20);
    expect_relative(scalar(nerv::psnr(x, y)), 16.773091757140143, "psnr");
    expect_relative(scalar(nerv::ssim(x, y)), 0.40776847675307026, "ssim");
    expect_relative(scalar(nerv::ms_ssim(x, y)), 0.5772138358789974, "ms_ssim");
    expect_relative(scalar((x - y).abs().mean()), 0.08236763031139442, "l1");
    expect_relative(scalar(nerv::LossFunction(nerv::LossKind::Fusion6)(x, y)), 0.235326798192055, "fusion6");
}

TEST_F(MetricsGoldenTest, Crop176x320MatchesPytorchMsssim)
{
    const torch::Tensor x = crop(frame(16)), y = crop(frame(17));
    expect_relative(scalar(nerv::ssim(x, y)), 0.6673453637719299, "ssim");
    expect_relative(scalar(nerv::ms_ssim(x, y)), 0.8732907761951302, "ms_ssim");
}

TEST_F(MetricsGoldenTest, SsimGradientMatchesPytorchAutograd)
{
    const torch::Tensor x = frame(16).clone().requires_grad_(true);
    const torch::Tensor loss = 1 - nerv::ssim(x, frame(17)).sum();
    loss.backward();
    const torch::Tensor grad = x.grad();
    expect_relative(scalar(grad.sum()), -0.03987690625944357, "gradient sum");
    expect_relative(scalar(grad.abs().sum()), 10.125823448142201, "gradient abs-sum");
}

}  // namespace NERV_TEST_FILE
