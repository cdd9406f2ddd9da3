#include "container/chunk_framing.h"
#include "core/byte_io.h"

namespace nerv {

std::vector<uint8_t> write_file_prefix()
{
    ByteWriter w;
    w.u32(kFileMagic);
    w.u16(static_cast<uint16_t>(kFileVersionMajor));
    w.u16(static_cast<uint16_t>(kFileVersionMinor));
    return w.take();
}

}  // namespace nerv
