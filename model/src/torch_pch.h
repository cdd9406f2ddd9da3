// Precompiled header for every LibTorch translation unit of libnerv and its tests.
// Parsing <torch/torch.h> costs ~20 s per file on 2 cores; compiled once, it costs ~1 s.
#pragma once
#include <torch/torch.h>
