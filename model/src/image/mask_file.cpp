#include "image/mask_file.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/error.h"

namespace nerv {
namespace {

constexpr int kMaxSide = 16384;   // the encoder's largest frame
constexpr size_t kMaxHeaderLine = 4096;

struct FileCloser {
    void operator()(FILE *f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

File open_file(const std::string &path, const std::string &what)
{
    File f(std::fopen(path.c_str(), "rb"));
    if (!f)
        fail_invalid_argument(format("%s: cannot open the file", what.c_str()));
    return f;
}

/** PGM header integer: skips whitespace and '#' comments, then reads decimal digits. */
bool read_pgm_number(FILE *f, int *out)
{
    int c = std::fgetc(f);
    for (;;) {
        if (c == '#') {
            while (c != '\n' && c != EOF)
                c = std::fgetc(f);
        } else if (c != EOF && std::isspace(c)) {
            c = std::fgetc(f);
        } else {
            break;
        }
    }
    if (c == EOF || !std::isdigit(c))
        return false;
    long long v = 0;
    while (c != EOF && std::isdigit(c)) {
        v = v * 10 + (c - '0');
        if (v > 1000000)
            return false;
        c = std::fgetc(f);
    }
    // Exactly one whitespace byte ends the header's last number; the others end anyway.
    if (c == EOF || !std::isspace(c))
        return false;
    *out = static_cast<int>(v);
    return true;
}

/** One '\n'-terminated line (without it); false at EOF or when longer than the limit. */
bool read_line(FILE *f, std::string *line)
{
    line->clear();
    for (int c; (c = std::fgetc(f)) != EOF;) {
        if (c == '\n')
            return true;
        if (line->size() >= kMaxHeaderLine)
            return false;
        line->push_back(static_cast<char>(c));
    }
    return false;
}

Y4mGeometry parse_y4m_header(FILE *f, const std::string &what)
{
    std::string header;
    if (!read_line(f, &header) || header.compare(0, 10, "YUV4MPEG2 ") != 0)
        fail_invalid_argument(format("%s: not a YUV4MPEG2 file (no 'YUV4MPEG2 ' header line)", what.c_str()));
    Y4mGeometry g;
    std::string chroma = "420";
    size_t pos = 10;
    while (pos < header.size()) {
        size_t end = header.find(' ', pos);
        if (end == std::string::npos)
            end = header.size();
        const std::string token = header.substr(pos, end - pos);
        pos = end + 1;
        if (token.empty())
            continue;
        if (token[0] == 'W')
            g.width = std::atoi(token.c_str() + 1);
        else if (token[0] == 'H')
            g.height = std::atoi(token.c_str() + 1);
        else if (token[0] == 'C')
            chroma = token.substr(1);
    }
    if (g.width < 1 || g.height < 1 || g.width > kMaxSide || g.height > kMaxSide)
        fail_invalid_argument(format("%s: YUV4MPEG2 header has no valid size (W%d H%d)", what.c_str(), g.width,
                                     g.height));
    const int64_t luma = static_cast<int64_t>(g.width) * g.height;
    const int64_t cw = (g.width + 1) / 2, ch = (g.height + 1) / 2;
    if (chroma.compare(0, 3, "420") == 0 && chroma.find("p1") == std::string::npos)
        g.frame_bytes = luma + 2 * cw * ch;
    else if (chroma == "422")
        g.frame_bytes = luma + 2 * cw * g.height;
    else if (chroma == "444")
        g.frame_bytes = 3 * luma;
    else if (chroma == "mono")
        g.frame_bytes = luma;
    else
        fail_invalid_argument(format("%s: YUV4MPEG2 colour space C%s is not supported (8-bit 420, 422, 444 or mono)",
                                     what.c_str(), chroma.c_str()));
    return g;
}

}  // namespace

bool is_y4m_path(const std::string &path)
{
    if (path.size() < 4)
        return false;
    std::string ext = path.substr(path.size() - 4);
    for (char &c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".y4m";
}

GrayImage read_pgm(const std::string &path, const std::string &what)
{
    File f = open_file(path, what);
    char magic[2] = {0, 0};
    if (std::fread(magic, 1, 2, f.get()) != 2 || magic[0] != 'P' || magic[1] != '5')
        fail_invalid_argument(format("%s: not a binary PGM image (expected the magic 'P5'; ffmpeg writes one with "
                                     "-pix_fmt gray -f image2 -c:v pgm)",
                                     what.c_str()));
    GrayImage img;
    int maxval = 0;
    if (!read_pgm_number(f.get(), &img.width) || !read_pgm_number(f.get(), &img.height) ||
        !read_pgm_number(f.get(), &maxval))
        fail_invalid_argument(format("%s: malformed PGM header", what.c_str()));
    if (img.width < 1 || img.height < 1 || img.width > kMaxSide || img.height > kMaxSide)
        fail_invalid_argument(format("%s: PGM size %dx%d is out of range (1..%d)", what.c_str(), img.width,
                                     img.height, kMaxSide));
    if (maxval < 1 || maxval > 255)
        fail_invalid_argument(format("%s: PGM maxval %d is not supported (8-bit: 1..255)", what.c_str(), maxval));
    img.pixels.resize(static_cast<size_t>(img.width) * img.height);
    if (std::fread(img.pixels.data(), 1, img.pixels.size(), f.get()) != img.pixels.size())
        fail_invalid_argument(format("%s: PGM pixel data is truncated (%dx%d needs %zu bytes)", what.c_str(),
                                     img.width, img.height, img.pixels.size()));
    if (maxval != 255) {
        for (uint8_t &p : img.pixels)
            p = static_cast<uint8_t>(std::min(255, (p * 255 + maxval / 2) / maxval));
    }
    return img;
}

Y4mGeometry read_y4m_geometry(const std::string &path, const std::string &what)
{
    File f = open_file(path, what);
    return parse_y4m_header(f.get(), what);
}

std::vector<GrayImage> read_y4m_luma(const std::string &path, int64_t first, int64_t count, const std::string &what)
{
    File f = open_file(path, what);
    const Y4mGeometry g = parse_y4m_header(f.get(), what);
    const size_t luma = static_cast<size_t>(g.width) * g.height;
    std::vector<uint8_t> frame(static_cast<size_t>(g.frame_bytes));
    std::vector<GrayImage> out;
    std::string line;
    for (int64_t i = 0; i < first + count; ++i) {
        if (!read_line(f.get(), &line) || line.compare(0, 5, "FRAME") != 0 ||
            std::fread(frame.data(), 1, frame.size(), f.get()) != frame.size())
            fail_invalid_argument(format("%s: has %lld complete frames, frame %lld needs a mask", what.c_str(),
                                         static_cast<long long>(i), static_cast<long long>(first + count - 1)));
        if (i < first)
            continue;
        GrayImage img;
        img.width = g.width;
        img.height = g.height;
        img.pixels.assign(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(luma));
        out.push_back(std::move(img));
    }
    return out;
}

}  // namespace nerv
