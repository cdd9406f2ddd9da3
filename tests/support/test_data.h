// Where tests find their inputs: committed fixtures (always) and ../shared/data
// (real clips, present in CI; tests that need it skip cleanly without it).
#pragma once

#include <string>

namespace nerv_test {

/** Absolute path of tests/fixtures/<name>. */
std::string fixture(const std::string &name);
/** Absolute path of ../shared/<relative> if it exists, else "". */
std::string shared_file(const std::string &relative);
/** Directory of the built nerv CLI. */
std::string bin_dir();
/** A fresh empty temporary directory (removed at process exit). */
std::string temp_dir();

}  // namespace nerv_test
