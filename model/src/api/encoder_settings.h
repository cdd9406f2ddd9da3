// The one table of encoder settings: names, help, defaults, valid ranges, parsing
// from text and validation. The nerv CLI (--name value) and FFmpeg's nerv_enc
// (-name value, nerv-params) both go through it, so names and defaults agree.
#pragma once

#include "nerv/nerv.h"

namespace nerv {

void default_encoder_settings(NervEncoderSettings *s);
/** Parse `value` into the setting `name`; unknown names become expert params. Throws -EINVAL. */
void set_encoder_setting(NervEncoderSettings *s, const char *name, const char *value);
/** Check every field; throws -EINVAL naming the first bad one and its valid range. */
void validate_encoder_settings(const NervEncoderSettings &s);

int encoder_option_count();
const NervOptionInfo *encoder_option(int i);

/** Fixed-size text fields: copy with a length check (throws -EINVAL naming the field). */
void copy_name(char *dst, size_t cap, const char *src, const char *field);

}  // namespace nerv
