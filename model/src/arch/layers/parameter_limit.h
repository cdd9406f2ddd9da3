// The largest model a resolved architecture config may describe, per thread. The format
// allows 2^31 parameters; a decoder or encoder with a memory budget lowers the limit on its
// own thread while it builds a model (ParameterLimitScope). Every architecture's validate()
// compares its config's count with kMaxArchParameters (arch_limits.h) before building, so an
// oversized model is refused before a single weight is allocated.
#pragma once

#include <cstdint>
#include <type_traits>

namespace nerv {

/** The container format's bound on one model's parameters. */
constexpr int64_t kFormatMaxParameters = int64_t(1) << 31;

class ParameterLimitScope;

/** Reads as the integer limit in effect on the calling thread. `count > limit` also records a
 *  refusal in the innermost ParameterLimitScope, so its owner can say why a build failed. */
class ParameterLimit {
public:
    operator int64_t() const;

    template <typename Int, typename = std::enable_if_t<std::is_integral<Int>::value>>
    friend bool operator>(Int parameters, ParameterLimit limit)
    {
        return limit.refuses(static_cast<int64_t>(parameters));
    }

private:
    bool refuses(int64_t parameters) const;
};

/** Lowers the calling thread's limit for its lifetime. Scopes nest; the tighter limit wins. */
class ParameterLimitScope {
public:
    /** max_parameters < 0: no lowering (the format's bound). */
    explicit ParameterLimitScope(int64_t max_parameters);
    ~ParameterLimitScope();
    ParameterLimitScope(const ParameterLimitScope &) = delete;
    ParameterLimitScope &operator=(const ParameterLimitScope &) = delete;

    int64_t limit() const { return limit_; }
    /** The largest count refused while this scope was innermost, or 0. A refusal above
     *  kFormatMaxParameters is the format's, not the budget's. */
    int64_t refused() const { return refused_; }

private:
    friend class ParameterLimit;
    int64_t limit_;
    int64_t refused_ = 0;
    ParameterLimitScope *outer_;
};

}  // namespace nerv
