#include "atomic_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace nerv_cli {

AtomicFile::~AtomicFile()
{
    if (is_stdout_ || committed_)
        return;
    if (file_)
        std::fclose(file_);
    if (!temp_.empty())
        std::remove(temp_.c_str());
}

bool AtomicFile::open(const std::string &path, std::string *error)
{
    path_ = path;
    if (path == "-") {
        file_ = stdout;
        is_stdout_ = true;
        return true;
    }
    std::string templ = path + ".tmp-XXXXXX";
    int fd = mkstemp(&templ[0]);
    if (fd < 0) {
        *error = "cannot create a temporary file next to '" + path + "': " + std::strerror(errno);
        return false;
    }
    temp_ = templ;
    // mkstemp creates 0600; give the file the permissions a plain fopen would.
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    file_ = fdopen(fd, "wb");
    if (!file_) {
        *error = std::string("fdopen failed: ") + std::strerror(errno);
        close(fd);
        return false;
    }
    return true;
}

bool AtomicFile::commit(std::string *error)
{
    if (is_stdout_) {
        committed_ = std::fflush(stdout) == 0;
        if (!committed_)
            *error = std::string("write to stdout failed: ") + std::strerror(errno);
        return committed_;
    }
    bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
    ok = (std::fclose(file_) == 0) && ok;
    file_ = nullptr;
    if (ok)
        ok = std::rename(temp_.c_str(), path_.c_str()) == 0;
    if (!ok) {
        *error = "cannot write '" + path_ + "': " + std::strerror(errno);
        return false;
    }
    committed_ = true;
    return true;
}

bool read_file(const std::string &path, std::string *bytes, std::string *error)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) {
        *error = "cannot open '" + path + "': " + std::strerror(errno);
        return false;
    }
    bytes->clear();
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
        bytes->append(buf, n);
    const bool ok = !std::ferror(f);
    std::fclose(f);
    if (!ok)
        *error = "read error on '" + path + "'";
    return ok;
}

}  // namespace nerv_cli
