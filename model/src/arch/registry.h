// Architecture registry: name -> how to resolve a config from a request, build the
// model, rebuild it from a stored config, and its paper's training recipe.
// The list is explicit (arch/registry.cpp); adding a model adds one line there.
#pragma once

#include <string>
#include <vector>

#include "arch/video_model.h"
#include "core/key_values.h"

namespace nerv {

/** What the encoder asks for. */
struct ArchRequest {
    int width = 0, height = 0;  // coded frame size (after any crop)
    int64_t frames = 0;         // frames in the segment (budget solvers count embeddings)
    std::string size;           // "" = default, "1.5M"/"300k"/"120000" budget, or a preset ("S")
    const KeyValues *params = nullptr;  // architecture options; take what you understand
};

struct ArchEntry {
    const char *name;
    const char *description;
    TrainRecipe (*recipe)();
    /** Resolve the config (solving the size budget) and build the model, encoder included. */
    VideoModel (*create)(const ArchRequest &request);
    /** Rebuild from a stored config; `with_encoder` false skips encoder-side modules. */
    VideoModel (*load)(const Metadata &meta, bool with_encoder);
    /** Continuous in space: its render_size() draws the picture at any size (super-resolution).
     *  The others map a frame to a fixed pixel grid and render only their canvas. */
    bool renders_any_size = false;
};

const std::vector<ArchEntry> &arch_registry();
/** nullptr if unknown. */
const ArchEntry *find_arch(const std::string &name);
/** Names of the architectures that render any size, ", "-separated. */
std::string archs_rendering_any_size();

/** Parse a parameter budget: "1.5M", "300k", "2500000" (plain count), "0.75m". -1 if not a number. */
double parse_parameter_budget(const std::string &text);

}  // namespace nerv
