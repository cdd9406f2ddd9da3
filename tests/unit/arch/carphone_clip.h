// A crop of the committed carphone fixture (real QCIF footage, tests/fixtures/README.md) as
// float RGB frames, for the architectures' short training tests. The unit tests link
// nerv_core, not the CLI's Y4M reader, so this reads the (4:2:0) Y4M itself and converts
// with the library's own picture_to_rgb_planar (BT.601, limited range, as the encoder does).
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "image/picture.h"
#include "test_data.h"

namespace nerv_test {

/** Frames [0, frames) of carphone_176x144_16f.y4m, the width x height crop at (x, y):
 *  [frames, 3, height, width] float32 in [0, 1]. Fails the calling test on a read error. */
inline torch::Tensor carphone_rgb(int frames, int x, int y, int width, int height)
{
    std::ifstream in(fixture("carphone_176x144_16f.y4m"), std::ios::binary);
    std::string header;
    std::getline(in, header);
    int w = 0, h = 0;
    std::istringstream fields(header);
    std::string field;
    while (fields >> field) {
        if (field[0] == 'W')
            w = std::stoi(field.substr(1));
        else if (field[0] == 'H')
            h = std::stoi(field.substr(1));
    }
    EXPECT_TRUE(header.rfind("YUV4MPEG2", 0) == 0 && w == 176 && h == 144) << header;
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    std::vector<uint8_t> yuv(static_cast<size_t>(w * h + 2 * cw * ch));
    std::vector<uint8_t> rgb(static_cast<size_t>(3 * width * height));
    torch::Tensor out = torch::empty({frames, 3, height, width});
    for (int f = 0; f < frames; ++f) {
        std::string frame_line;
        std::getline(in, frame_line);
        in.read(reinterpret_cast<char *>(yuv.data()), static_cast<std::streamsize>(yuv.size()));
        EXPECT_TRUE(in && frame_line.rfind("FRAME", 0) == 0) << "frame " << f;
        NervPicture pic{};
        pic.width = w;
        pic.height = h;
        pic.format = NERV_PIX_FMT_YUV420P;
        pic.matrix = NERV_MATRIX_BT601;
        pic.range = NERV_RANGE_LIMITED;
        pic.data[0] = yuv.data();
        pic.data[1] = yuv.data() + w * h;
        pic.data[2] = yuv.data() + w * h + cw * ch;
        pic.stride[0] = w;
        pic.stride[1] = cw;
        pic.stride[2] = cw;
        nerv::picture_to_rgb_planar(pic, x, y, width, height, rgb.data());
        out[f] = torch::from_blob(rgb.data(), {3, height, width}, torch::kUInt8).to(torch::kFloat32) / 255.0;
    }
    return out;
}

}  // namespace nerv_test
