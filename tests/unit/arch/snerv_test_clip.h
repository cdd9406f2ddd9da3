// The committed carphone fixture (tests/fixtures/carphone_176x144_16f.y4m) as a uint8 RGB
// clip for the SNeRV training tests. The unit suite links nerv_core only (not the CLI's
// Y4M reader), so this reads the few Y4M lines it needs itself and converts with the
// library's own YUV -> RGB code (image/picture.h), as the encoder does.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "image/picture.h"
#include "test_data.h"

namespace nerv_test {

/** Frames [first, first + count) cropped to the top-left width x height, then edge-padded to
 *  canvas_width x canvas_height as the encoder pads: uint8 [count,3,canvas_height,canvas_width].
 *  Returns an undefined tensor if the fixture cannot be read. */
inline torch::Tensor carphone_clip(int first, int count, int width, int height, int canvas_width, int canvas_height)
{
    FILE *f = std::fopen(fixture("carphone_176x144_16f.y4m").c_str(), "rb");
    if (!f)
        return {};
    int w = 0, h = 0;
    std::string header;
    for (int c = std::fgetc(f); c != EOF && c != '\n'; c = std::fgetc(f))
        header += static_cast<char>(c);
    if (std::sscanf(header.c_str(), "YUV4MPEG2 W%d H%d", &w, &h) != 2 || width > w || height > h) {
        std::fclose(f);
        return {};
    }
    const size_t luma = static_cast<size_t>(w) * h, chroma = static_cast<size_t>((w + 1) / 2) * ((h + 1) / 2);
    std::vector<uint8_t> yuv(luma + 2 * chroma), rgb(3 * static_cast<size_t>(width) * height);
    std::vector<torch::Tensor> frames;
    for (int i = 0; i < first + count; ++i) {
        for (int c = std::fgetc(f); c != EOF && c != '\n'; c = std::fgetc(f)) {
        }  // "FRAME" line
        if (std::fread(yuv.data(), 1, yuv.size(), f) != yuv.size()) {
            std::fclose(f);
            return {};
        }
        if (i < first)
            continue;
        NervPicture pic{};
        pic.width = w;
        pic.height = h;
        pic.format = NERV_PIX_FMT_YUV420P;
        pic.matrix = NERV_MATRIX_BT601;
        pic.range = NERV_RANGE_LIMITED;
        pic.data[0] = yuv.data();
        pic.data[1] = yuv.data() + luma;
        pic.data[2] = yuv.data() + luma + chroma;
        pic.stride[0] = w;
        pic.stride[1] = pic.stride[2] = (w + 1) / 2;
        nerv::picture_to_rgb_planar(pic, 0, 0, width, height, rgb.data());
        frames.push_back(torch::from_blob(rgb.data(), {3, height, width}, torch::kUInt8).clone());
    }
    std::fclose(f);
    namespace F = torch::nn::functional;
    const torch::Tensor padded =
        F::pad(torch::stack(frames).to(torch::kFloat32),
               F::PadFuncOptions({0, canvas_width - width, 0, canvas_height - height}).mode(torch::kReplicate));
    return padded.round().to(torch::kUInt8);
}

}  // namespace nerv_test
