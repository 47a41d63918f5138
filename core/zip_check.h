// Whether a zip file's stored members still hold the bytes its central directory's CRC-32s promise.
// A LibTorch training state (OUT.state) is such a zip, and LibTorch loads it without checking them:
// a few changed bytes inside a tensor would resume a run from damaged weights without a word.
#pragma once

#include <string>

namespace dnafill::core {

// The name of the first stored (uncompressed) member whose bytes fail its CRC-32, or "" when all
// match. A file this reader does not follow (not a zip, compressed members, a damaged directory)
// also gives "": whoever loads it then says what is wrong.
std::string zip_crc_mismatch(const std::string& path);

}  // namespace dnafill::core
