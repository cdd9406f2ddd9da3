#include "arch/layers/parameter_limit.h"

#include <algorithm>

namespace nerv {
namespace {
thread_local ParameterLimitScope *innermost = nullptr;
}

ParameterLimit::operator int64_t() const { return innermost ? innermost->limit() : kFormatMaxParameters; }

bool ParameterLimit::refuses(int64_t parameters) const
{
    if (parameters <= static_cast<int64_t>(*this))
        return false;
    if (innermost)
        innermost->refused_ = std::max(innermost->refused_, parameters);
    return true;
}

ParameterLimitScope::ParameterLimitScope(int64_t max_parameters) : outer_(innermost)
{
    const int64_t enclosing = outer_ ? outer_->limit_ : kFormatMaxParameters;
    limit_ = max_parameters < 0 ? enclosing : std::min(enclosing, max_parameters);
    innermost = this;
}

ParameterLimitScope::~ParameterLimitScope() { innermost = outer_; }

}  // namespace nerv
