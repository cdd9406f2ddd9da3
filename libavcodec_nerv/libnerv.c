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

#include <assert.h>

#include "libavutil/error.h"
#include "libavutil/log.h"

#include "libnerv.h"

/* libnerv defines its own codes with FFmpeg's values; errors pass through unchanged. */
static_assert(NERV_ERROR_EOF         == AVERROR_EOF,         "NERV_ERROR_EOF");
static_assert(NERV_ERROR_INVALIDDATA == AVERROR_INVALIDDATA, "NERV_ERROR_INVALIDDATA");
static_assert(NERV_ERROR_ABORTED     == AVERROR_EXIT,        "NERV_ERROR_ABORTED");

void ff_libnerv_log(void *user_data, NervLogLevel level, const char *message)
{
    static const int levels[] = {
        [NERV_LOG_ERROR]   = AV_LOG_ERROR,
        [NERV_LOG_WARNING] = AV_LOG_WARNING,
        [NERV_LOG_INFO]    = AV_LOG_INFO,
        [NERV_LOG_VERBOSE] = AV_LOG_VERBOSE,
        [NERV_LOG_DEBUG]   = AV_LOG_DEBUG,
    };
    int av_level = level >= NERV_LOG_ERROR && level <= NERV_LOG_DEBUG ?
                   levels[level] : AV_LOG_DEBUG;

    av_log(user_data, av_level, "%s\n", message);
}

NervLogLevel ff_libnerv_log_level(void)
{
    int level = av_log_get_level();

    if (level >= AV_LOG_DEBUG)
        return NERV_LOG_DEBUG;
    if (level >= AV_LOG_VERBOSE)
        return NERV_LOG_VERBOSE;
    if (level >= AV_LOG_INFO)
        return NERV_LOG_INFO;
    if (level >= AV_LOG_WARNING)
        return NERV_LOG_WARNING;
    return NERV_LOG_ERROR;
}

int ff_libnerv_error(void *logctx, int err, const char *what)
{
    const char *msg = nerv_last_error();

    if (msg && *msg)
        av_log(logctx, AV_LOG_ERROR, "Error %s: %s\n", what, msg);
    else
        av_log(logctx, AV_LOG_ERROR, "Error %s: %s\n", what, av_err2str(err));
    return err;
}

int ff_libnerv_check_version(void *logctx)
{
    unsigned api = nerv_api_version();

    av_log(logctx, AV_LOG_VERBOSE, "libnerv %s (API %u.%u)\n", nerv_version(), api >> 16, api & 0xffff);
    if (api >> 16 != NERV_API_VERSION_MAJOR || (api & 0xffff) < NERV_API_VERSION_MINOR) {
        av_log(logctx, AV_LOG_ERROR, "libnerv API %u.%u is loaded, FFmpeg was built for %d.%d: "
               "rebuild FFmpeg against this libnerv.\n", api >> 16, api & 0xffff,
               NERV_API_VERSION_MAJOR, NERV_API_VERSION_MINOR);
        return AVERROR(ENOSYS);
    }
    return 0;
}

NervPixelFormat ff_libnerv_pix_fmt(enum AVPixelFormat pix_fmt)
{
    switch (pix_fmt) {
    case AV_PIX_FMT_RGB24:   return NERV_PIX_FMT_RGB24;
    case AV_PIX_FMT_YUV420P: return NERV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUV444P: return NERV_PIX_FMT_YUV444P;
    default:                 return NERV_PIX_FMT_NONE;
    }
}

enum AVPixelFormat ff_libnerv_av_pix_fmt(NervPixelFormat format)
{
    switch (format) {
    case NERV_PIX_FMT_RGB24:   return AV_PIX_FMT_RGB24;
    case NERV_PIX_FMT_YUV420P: return AV_PIX_FMT_YUV420P;
    case NERV_PIX_FMT_YUV444P: return AV_PIX_FMT_YUV444P;
    default:                   return AV_PIX_FMT_NONE;
    }
}
