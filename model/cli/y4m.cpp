#include "y4m.h"

#include <cstdlib>
#include <cstring>

namespace nerv_cli {
namespace {

bool read_line(FILE *f, std::string *line, size_t max_len)
{
    line->clear();
    int c;
    while ((c = std::fgetc(f)) != EOF) {
        if (c == '\n')
            return true;
        if (line->size() >= max_len)
            return false;
        line->push_back(static_cast<char>(c));
    }
    return false;
}

void plane_sizes(const Y4mInfo &i, size_t *luma, size_t *chroma, int *cw, int *ch)
{
    *cw = i.format == NERV_PIX_FMT_YUV420P ? (i.width + 1) / 2 : i.width;
    *ch = i.format == NERV_PIX_FMT_YUV420P ? (i.height + 1) / 2 : i.height;
    *luma = static_cast<size_t>(i.width) * i.height;
    *chroma = static_cast<size_t>(*cw) * *ch;
}

}  // namespace

Y4mReader::~Y4mReader()
{
    if (file_ && owns_)
        std::fclose(file_);
}

bool Y4mReader::open(const std::string &path, std::string *error)
{
    if (path == "-") {
        file_ = stdin;
    } else {
        file_ = std::fopen(path.c_str(), "rb");
        owns_ = true;
    }
    if (!file_) {
        *error = "cannot open '" + path + "': " + std::strerror(errno);
        return false;
    }
    std::string header;
    if (!read_line(file_, &header, 4096) || header.compare(0, 10, "YUV4MPEG2 ") != 0) {
        *error = "'" + path + "' is not a Y4M file (convert with: ffmpeg -i IN -pix_fmt yuv420p OUT.y4m)";
        return false;
    }
    size_t pos = 10;
    std::string colorspace = "420";
    while (pos < header.size()) {
        size_t end = header.find(' ', pos);
        if (end == std::string::npos)
            end = header.size();
        const std::string tok = header.substr(pos, end - pos);
        pos = end + 1;
        if (tok.empty())
            continue;
        switch (tok[0]) {
        case 'W': info_.width = std::atoi(tok.c_str() + 1); break;
        case 'H': info_.height = std::atoi(tok.c_str() + 1); break;
        case 'F': {
            int n = 0, d = 0;
            if (std::sscanf(tok.c_str() + 1, "%d:%d", &n, &d) == 2 && n > 0 && d > 0) {
                info_.fps_num = n;
                info_.fps_den = d;
            }
            break;
        }
        case 'C': colorspace = tok.substr(1); break;
        case 'X':
            if (tok == "XCOLORRANGE=FULL")
                info_.range = NERV_RANGE_FULL;
            break;
        default: break;
        }
    }
    if (info_.width < 1 || info_.height < 1 || info_.width > 16384 || info_.height > 16384) {
        *error = "Y4M header has an invalid size";
        return false;
    }
    if (colorspace.compare(0, 3, "420") == 0 && colorspace.find("p10") == std::string::npos &&
        colorspace.find("p12") == std::string::npos) {
        info_.format = NERV_PIX_FMT_YUV420P;
    } else if (colorspace == "444") {
        info_.format = NERV_PIX_FMT_YUV444P;
    } else {
        *error = "Y4M colorspace 'C" + colorspace +
                 "' is not supported (8-bit 420 or 444 only; convert with: ffmpeg -i IN -pix_fmt yuv420p -f yuv4mpegpipe -)";
        return false;
    }
    size_t luma, chroma;
    int cw, ch;
    plane_sizes(info_, &luma, &chroma, &cw, &ch);
    buf_.resize(luma + 2 * chroma);
    return true;
}

bool Y4mReader::read_frame(NervPicture *pic, std::string *error)
{
    std::string line;
    if (!read_line(file_, &line, 1024)) {
        if (!line.empty())
            *error = "truncated Y4M frame header";
        return false;
    }
    if (line.compare(0, 5, "FRAME") != 0) {
        *error = "malformed Y4M: expected FRAME";
        return false;
    }
    if (std::fread(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
        *error = "truncated Y4M frame data";
        return false;
    }
    size_t luma, chroma;
    int cw, ch;
    plane_sizes(info_, &luma, &chroma, &cw, &ch);
    std::memset(pic, 0, sizeof(*pic));
    pic->width = info_.width;
    pic->height = info_.height;
    pic->format = info_.format;
    pic->matrix = NERV_MATRIX_BT601;
    pic->range = info_.range;
    pic->data[0] = buf_.data();
    pic->data[1] = buf_.data() + luma;
    pic->data[2] = buf_.data() + luma + chroma;
    pic->stride[0] = info_.width;
    pic->stride[1] = cw;
    pic->stride[2] = cw;
    return true;
}

bool Y4mWriter::open(FILE *file, const Y4mInfo &info, std::string *error)
{
    file_ = file;
    info_ = info;
    const char *cs = info.format == NERV_PIX_FMT_YUV444P ? "444" : "420jpeg";
    const char *range = info.range == NERV_RANGE_FULL ? " XCOLORRANGE=FULL" : "";
    if (std::fprintf(file_, "YUV4MPEG2 W%d H%d F%d:%d Ip A1:1 C%s%s\n", info.width, info.height, info.fps_num,
                     info.fps_den, cs, range) < 0) {
        *error = std::string("write failed: ") + std::strerror(errno);
        return false;
    }
    return true;
}

bool Y4mWriter::write_frame(const NervPicture &pic, std::string *error)
{
    size_t luma, chroma;
    int cw, ch;
    plane_sizes(info_, &luma, &chroma, &cw, &ch);
    bool ok = std::fputs("FRAME\n", file_) >= 0;
    for (int p = 0; p < 3 && ok; ++p) {
        const int w = p == 0 ? info_.width : cw, h = p == 0 ? info_.height : ch;
        for (int y = 0; y < h && ok; ++y)
            ok = std::fwrite(pic.data[p] + static_cast<ptrdiff_t>(y) * pic.stride[p], 1, w, file_) ==
                 static_cast<size_t>(w);
    }
    if (!ok)
        *error = std::string("write failed: ") + std::strerror(errno);
    return ok;
}

}  // namespace nerv_cli
