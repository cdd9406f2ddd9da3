// The exception boundary: every extern "C" function runs its body through guarded(),
// which turns any C++ exception into a negative return code plus last-error text.
// An exception escaping into C (FFmpeg) would abort the process.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "core/error.h"

namespace nerv {

void set_last_error(const std::string &message);
void clear_last_error();
/** Maps a non-nerv exception's text to a code: out-of-memory texts -> -ENOMEM, else -EIO. */
int classify_foreign_exception(const std::string &what, std::string *message);

template <typename F>
int guarded(F &&body) noexcept
{
    try {
        clear_last_error();
        return body();
    } catch (const Error &e) {
        set_last_error(e.what());
        return e.code();
    } catch (const std::bad_alloc &) {
        set_last_error("out of memory (host); try a smaller size, batch or segment_frames");
        return -ENOMEM;
    } catch (const std::exception &e) {
        std::string message;
        const int code = classify_foreign_exception(e.what(), &message);
        set_last_error(message);
        return code;
    } catch (...) {
        set_last_error("unknown internal error");
        return -EIO;
    }
}

}  // namespace nerv
