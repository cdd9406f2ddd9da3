// Output files appear only when complete: written to a temporary file in the same
// directory, flushed, then renamed over the target. An interrupted run leaves no
// half-written file under the requested name.
#pragma once

#include <cstdio>
#include <string>

namespace nerv_cli {

class AtomicFile {
public:
    ~AtomicFile();  // removes the temporary file unless commit() succeeded
    /** path "-" writes to stdout directly (no atomicity possible). */
    bool open(const std::string &path, std::string *error);
    FILE *file() { return file_; }
    bool commit(std::string *error);

private:
    std::string path_, temp_;
    FILE *file_ = nullptr;
    bool is_stdout_ = false;
    bool committed_ = false;
};

/** Read a whole file into memory. */
bool read_file(const std::string &path, std::string *bytes, std::string *error);

}  // namespace nerv_cli
