// Inpainting masks: the papers' hole geometry, clipping, user mask files, and the checks
// that name the param at fault.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "codec/inpaint_mask.h"
#include "core/error.h"
#include "core/key_values.h"

namespace NERV_TEST_FILE {

using nerv::HoleRect;
using nerv::InpaintMask;

std::string temp_path(const std::string &name) { return ::testing::TempDir() + "inpaint_mask_" + name; }

void write_file(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

/** A P5 image whose pixel (x, y) is 0 inside the rectangle and 255 elsewhere. */
std::string pgm_with_hole(int w, int h, HoleRect hole)
{
    std::string s = "P5\n# a comment\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            s.push_back(x >= hole.x && x < hole.x + hole.width && y >= hole.y && y < hole.y + hole.height ? 0 : '\xff');
    return s;
}

InpaintMask mask_from(const std::string &params, int w, int h, uint32_t seed = 1)
{
    return InpaintMask::from_params(nerv::KeyValues::parse(params), w, h, 0, 0, w, h, seed);
}

std::string error_of(const std::string &params, int w = 32, int h = 24)
{
    try {
        mask_from(params, w, h);
    } catch (const nerv::Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
        return e.what();
    }
    return "";
}

int holes_in(const std::vector<uint8_t> &plane) { return static_cast<int>(std::count(plane.begin(), plane.end(), 0)); }

TEST(InpaintMaskTest, CenterHoleIsAQuarterOfEachSideInTheMiddle)
{
    const HoleRect r = nerv::center_hole(176, 144);
    EXPECT_EQ(r.width, 44);
    EXPECT_EQ(r.height, 36);
    EXPECT_EQ(r.x, 66);  // (176 - 44) / 2
    EXPECT_EQ(r.y, 54);  // (144 - 36) / 2
    const HoleRect tiny = nerv::center_hole(3, 2);
    EXPECT_EQ(tiny.width, 1);
    EXPECT_EQ(tiny.height, 1);
}

TEST(InpaintMaskTest, DisperseSquaresSitAtTheReferenceCentres)
{
    // HNeRV: [c - S//2, c + S//2) around c = int(f * size) for f in 1/2, 1/4, 3/4.
    const std::vector<HoleRect> holes = nerv::disperse_holes(1920, 960, 50);
    ASSERT_EQ(holes.size(), 5u);
    const int centres[5][2] = {{480, 960}, {240, 480}, {240, 1440}, {720, 480}, {720, 1440}};  // (row, col)
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(holes[i].y, centres[i][0] - 25) << i;
        EXPECT_EQ(holes[i].x, centres[i][1] - 25) << i;
        EXPECT_EQ(holes[i].width, 50);
        EXPECT_EQ(holes[i].height, 50);
    }
    // Odd sizes: int(f * size) rounds down.
    EXPECT_EQ(nerv::disperse_holes(177, 145, 10)[4].x, 132 - 5);  // 3 * 177 / 4 = 132.75
    EXPECT_EQ(nerv::disperse_holes(177, 145, 10)[4].y, 108 - 5);
}

TEST(InpaintMaskTest, HolesAreClippedAtTheBorders)
{
    std::vector<uint8_t> plane(8 * 6, 1);
    nerv::paint_holes({{-3, -2, 5, 4}, {6, 5, 10, 10}}, 8, 6, plane.data());
    // (0..1, 0..1) and (6..7, 5): 4 + 2 pixels
    EXPECT_EQ(holes_in(plane), 6);
    EXPECT_EQ(plane[0], 0);
    EXPECT_EQ(plane[1 * 8 + 1], 0);
    EXPECT_EQ(plane[2 * 8 + 0], 1);
    EXPECT_EQ(plane[5 * 8 + 7], 0);
    // Squares larger than the frame at the disperse centres: the frame edges hold them.
    std::vector<uint8_t> all(4 * 4, 1);
    nerv::paint_holes(nerv::disperse_holes(4, 4, 64), 4, 4, all.data());
    EXPECT_EQ(holes_in(all), 16);
}

TEST(InpaintMaskTest, VisibilityPlanesOfTheShapes)
{
    EXPECT_FALSE(mask_from("", 32, 24).enabled());
    const std::vector<uint8_t> center = mask_from("mask=center", 32, 24).visible(0, 3);
    ASSERT_EQ(center.size(), 32u * 24u);  // one plane for every frame
    EXPECT_EQ(holes_in(center), 8 * 6);
    EXPECT_EQ(center[(9 + 3) * 32 + 12 + 4], 0);  // inside [12,20) x [9,15)
    EXPECT_EQ(center[8 * 32 + 12], 1);

    const std::vector<uint8_t> disperse = mask_from("mask=disperse:mask_size=4", 32, 24).visible(5, 2);
    EXPECT_EQ(holes_in(disperse), 5 * 16);
    EXPECT_EQ(disperse[12 * 32 + 16], 0);  // the centre square covers (H/2, W/2)

    const std::vector<uint8_t> r1 = mask_from("mask=random:mask_size=3", 32, 24, 7).visible(0, 1);
    const std::vector<uint8_t> r2 = mask_from("mask=random:mask_size=3", 32, 24, 7).visible(0, 1);
    const std::vector<uint8_t> r3 = mask_from("mask=random:mask_size=3", 32, 24, 8).visible(0, 1);
    EXPECT_EQ(r1, r2);
    EXPECT_NE(r1, r3);
    EXPECT_GT(holes_in(r1), 9);  // ten 3x3 squares, some may overlap
    EXPECT_LE(holes_in(r1), 90);
}

TEST(InpaintMaskTest, PgmMaskFileAppliesToEveryFrameAndIsCropped)
{
    const std::string path = temp_path("hole.pgm");
    write_file(path, pgm_with_hole(12, 10, {4, 3, 2, 2}));
    const InpaintMask m = mask_from("mask_file=" + path, 12, 10);
    EXPECT_FALSE(m.per_frame());
    std::vector<uint8_t> v = m.visible(3, 4);
    ASSERT_EQ(v.size(), 120u);
    EXPECT_EQ(holes_in(v), 4);
    EXPECT_EQ(v[3 * 12 + 4], 0);
    EXPECT_NE(m.file_crc(), 0u);
    // Cropped to the coded area (crop=8x6 at (2, 2)): the hole moves to (2, 1).
    const InpaintMask cropped =
        InpaintMask::from_params(nerv::KeyValues::parse("mask_file=" + path), 12, 10, 2, 2, 8, 6, 1);
    v = cropped.visible(0, 1);
    ASSERT_EQ(v.size(), 48u);
    EXPECT_EQ(v[1 * 8 + 2], 0);
    EXPECT_EQ(holes_in(v), 4);
    std::remove(path.c_str());
}

TEST(InpaintMaskTest, Y4mMaskFileGivesEachFrameItsLumaPlane)
{
    // 4x2 4:2:0 frames: 8 luma + 2 * 2 chroma bytes; frame i has a hole at x = i.
    std::string s = "YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420jpeg\n";
    for (int i = 0; i < 3; ++i) {
        s += i == 1 ? "FRAME Ixyz\n" : "FRAME\n";
        for (int p = 0; p < 8; ++p)
            s.push_back(p % 4 == i ? 16 : '\xeb');
        s += std::string(4, '\x80');
    }
    const std::string path = temp_path("moving.y4m");
    write_file(path, s);
    const InpaintMask m = mask_from("mask_file=" + path, 4, 2);
    EXPECT_TRUE(m.per_frame());
    const std::vector<uint8_t> v = m.visible(1, 2);
    ASSERT_EQ(v.size(), 16u);
    EXPECT_EQ(v, (std::vector<uint8_t>{1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1}));
    try {
        m.visible(2, 2);
        ADD_FAILURE() << "frame 3 has no mask";
    } catch (const nerv::Error &e) {
        EXPECT_NE(std::string(e.what()).find("has 3 complete frames, frame 3 needs a mask"), std::string::npos)
            << e.what();
    }
    std::remove(path.c_str());
}

TEST(InpaintMaskTest, BadValuesAndFilesAreRejectedNamingTheParam)
{
    EXPECT_NE(error_of("mask=ring").find("param 'mask' = 'ring' is invalid"), std::string::npos);
    EXPECT_NE(error_of("mask=disperse:mask_size=0").find("mask_size"), std::string::npos);
    EXPECT_NE(error_of("mask=center:mask_size=10").find("param 'mask_size'"), std::string::npos);
    EXPECT_NE(error_of("mask=file").find("needs param 'mask_file'"), std::string::npos);
    EXPECT_NE(error_of("mask=center:mask_file=x.pgm").find("cannot be combined"), std::string::npos);
    EXPECT_NE(error_of("mask_file=/nonexistent/m.pgm").find("param 'mask_file' = '/nonexistent/m.pgm': cannot open"),
              std::string::npos);
    // A square covering the whole frame leaves nothing to train on.
    EXPECT_NE(error_of("mask=disperse:mask_size=200").find("hides every pixel"), std::string::npos);

    const std::string path = temp_path("bad.pgm");
    write_file(path, "P2\n2 2\n255\n0 0 0 0\n");
    EXPECT_NE(error_of("mask_file=" + path).find("not a binary PGM"), std::string::npos);
    write_file(path, "P5\n4 4\n255\n\x01\x02");
    EXPECT_NE(error_of("mask_file=" + path, 4, 4).find("truncated"), std::string::npos);
    write_file(path, "P5\n4 4\n65535\n");
    EXPECT_NE(error_of("mask_file=" + path, 4, 4).find("maxval 65535"), std::string::npos);
    write_file(path, pgm_with_hole(8, 8, {0, 0, 1, 1}));
    EXPECT_NE(error_of("mask_file=" + path, 32, 24).find("the mask is 8x8, the input frames are 32x24"),
              std::string::npos);
    std::remove(path.c_str());

    const std::string y4m = temp_path("bad.y4m");
    write_file(y4m, "YUV4MPEG2 W32 H24 C420p10\nFRAME\n");
    EXPECT_NE(error_of("mask_file=" + y4m).find("C420p10 is not supported"), std::string::npos);
    write_file(y4m, "P5 not a y4m\n");
    EXPECT_NE(error_of("mask_file=" + y4m).find("not a YUV4MPEG2 file"), std::string::npos);
    std::remove(y4m.c_str());
}

TEST(InpaintMaskTest, MaskKeysAreTakenOutOfTheArchitectureParams)
{
    const nerv::KeyValues params = nerv::KeyValues::parse("mask=disperse:mask_size=8:embed_dim=16");
    InpaintMask::from_params(params, 32, 24, 0, 0, 32, 24, 1);
    EXPECT_EQ(params.remaining().to_string(), "embed_dim=16");
}

}  // namespace NERV_TEST_FILE
