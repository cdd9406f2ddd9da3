// Builds an architecture the way the encoder does: ArchEntry::create from a request whose
// expert params must all be consumed (a misspelt test param fails the test, not silently).
#pragma once

#include <cstdint>
#include <string>

#include "arch/registry.h"
#include "core/key_values.h"

namespace nerv_test {

inline nerv::VideoModel create_arch_model(const nerv::ArchEntry &entry, int width, int height, int64_t frames,
                                          const std::string &size, const std::string &params)
{
    nerv::KeyValues kv = nerv::KeyValues::parse(params);
    nerv::ArchRequest r;
    r.width = width;
    r.height = height;
    r.frames = frames;
    r.size = size;
    r.params = &kv;
    nerv::VideoModel m = entry.create(r);
    kv.check_all_used((std::string(entry.name) + " test").c_str());
    return m;
}

}  // namespace nerv_test
