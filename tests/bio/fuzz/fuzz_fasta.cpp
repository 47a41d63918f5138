// libFuzzer target: any bytes given to fasta_reader end in records or one error line, never a crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "bio/fasta.h"
#include "bio/sequence.h"

namespace {

// fasta_reader reads files; one scratch file per process, rewritten for each input.
const std::string& scratch_path() {
  static const std::string path = [] {
    std::string p = "/tmp/dnafill-fuzz-fasta-" + std::to_string(getpid());
    return p;
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = scratch_path();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  dnafill::bio::fasta_reader reader;
  if (!reader.open(path).ok()) return 0;
  dnafill::bio::sequence_record record;
  while (reader.next(record)) {
    // What the reader promises: a name without whitespace, IUPAC bases only, never empty,
    // quality as long as the bases when present.
    if (record.name.empty() || record.bases.empty()) std::abort();
    if (record.name.find_first_of(" \t\n") != std::string::npos) std::abort();
    for (char c : record.bases) {
      if (!dnafill::bio::is_iupac_base(c)) std::abort();
    }
    if (!record.quality.empty() && record.quality.size() != record.bases.size()) std::abort();
  }
  const dnafill::status& error = reader.error();
  // An error is one line that names the file.
  if (!error.ok() && (error.message().find('\n') != std::string::npos || error.message().rfind(path, 0) != 0)) {
    std::abort();
  }
  return 0;
}
