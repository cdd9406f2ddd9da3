// How many parameters a segment's model gets, and whether a requested budget is met.
//
// Default (size left empty): the architecture's own default (its paper's configuration) unless
// that would spend more than the rate default, W*H*frames/8 parameters, i.e. about 1 bpp with
// 8-bit weights (HNeRV 1.5M on the papers' 132 bunny frames is 0.11 bpp of it; `make demo`'s
// 100k on 32 QCIF frames 0.85 bpp), and never less than 20k (or half the raw
// 4:2:0 bytes of a tiny clip). Then the largest budget whose
// model, embeddings included, fits the rate default is used; an architecture that cannot shrink
// that far gets the smallest budget (in steps of 1.25x) it reaches.
//
// A numeric budget ("300k") is each architecture's (HNeRV and SNeRV count the embeddings, DNeRV
// and PNeRV the decoder only); a model whose decoder alone is more than 1 % over it is refused
// with its count (the references' own sizing rules land up to 0.4 % over: HNeRV 1.5M on bunny
// has 1,488,276 + 16,896 embedding values).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** The rate default's parameter count for `frames` frames of width x height. */
int64_t rate_default_parameters(int width, int height, int64_t frames);

/** The per-frame tensors' values (embeddings) of a segment of `frames` frames. */
int64_t embedding_values(const VideoModelImpl &model, int64_t frames);

/** What the stream carries of `model` for a segment of `frames` frames: transmitted (and fixed)
 *  parameters plus embedding_values(). */
int64_t stream_values(VideoModelImpl &model, int64_t frames);

/** Builds the model for `request` by the rules above (`build` is the architecture's create(),
 *  wrapped by the caller). */
VideoModel create_sized_model(const ArchEntry &entry, const ArchRequest &request,
                              const std::function<VideoModel(const ArchRequest &)> &build);

}  // namespace nerv
