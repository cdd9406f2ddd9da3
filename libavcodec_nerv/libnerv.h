/*
 * libnerv glue shared by the nerv_enc encoder and the nerv decoder
 *
 * This file is part of FFmpeg.
 *
 * FFmpeg is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * FFmpeg is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with FFmpeg; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
 */

/**
 * @file
 * libnerv common functions: logging and error reporting.
 */

#ifndef AVCODEC_LIBNERV_H
#define AVCODEC_LIBNERV_H

#include <nerv/nerv.h>

#include "libavutil/pixfmt.h"

/**
 * NervLogCallback forwarding library messages to av_log();
 * user_data is the logging context (an AVCodecContext).
 */
void ff_libnerv_log(void *user_data, NervLogLevel level, const char *message);

/**
 * The library log level matching the current av_log level, so that the
 * library does not format messages av_log() would drop.
 */
NervLogLevel ff_libnerv_log_level(void);

/**
 * Log a failed library call with the library's description of the error.
 * Library error codes are AVERROR codes (negative errno, AVERROR_EOF,
 * AVERROR_INVALIDDATA, AVERROR_EXIT), so the code is returned unchanged.
 *
 * @param what what was being done, e.g. "opening the encoder"
 * @return err
 */
int ff_libnerv_error(void *logctx, int err, const char *what);

/**
 * Log the library version and check that the library loaded at run time
 * implements the API FFmpeg was compiled against (same major version, minor
 * at least the header's).
 */
int ff_libnerv_check_version(void *logctx);

/** The NervPixelFormat of an AVPixelFormat, NERV_PIX_FMT_NONE if unsupported. */
NervPixelFormat ff_libnerv_pix_fmt(enum AVPixelFormat pix_fmt);

/** The AVPixelFormat of a NervPixelFormat, AV_PIX_FMT_NONE if unknown. */
enum AVPixelFormat ff_libnerv_av_pix_fmt(NervPixelFormat format);

#endif /* AVCODEC_LIBNERV_H */
