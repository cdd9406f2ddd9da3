// The OpenMP wait policy the CLI starts LibTorch's threads with (openmp_wait_default.cpp).
#pragma once

/** GOMP_SPINCOUNT set before libgomp loads, unless GOMP_SPINCOUNT or OMP_WAIT_POLICY is set. */
#define NERV_OPENMP_SPIN_DEFAULT "1000"
constexpr const char *kOpenmpSpinDefault = NERV_OPENMP_SPIN_DEFAULT;
