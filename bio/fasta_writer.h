// FASTA writing through htslib: plain text, or bgzip plus a faidx index when the name ends in .gz.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bio/fasta.h"
#include "bio/status.h"

namespace dnafill::bio {

struct fasta_writer_options {
  std::size_t line_width = 60;  // bases per line; 0 writes each sequence on one line
};

// Writes sequence_records as FASTA (">name comment", then the bases wrapped at line_width).
// A path ending in ".gz" (in any case) is written BGZF-compressed and, on close(), indexed: PATH.fai
// and PATH.gzi, so the file serves region fetches at once. "-" is standard output (never compressed).
// The file is replaced by close() (bio::output_file), so a run that fails half-way (a full disk, a
// record refused) leaves what PATH held before. Not thread-safe; owns its htslib handle.
// Whether fasta_writer compresses `path`: it ends in ".gz", in any case (X.FA.GZ was written plain).
bool is_gz_path(const std::string& path);

class fasta_writer {
 public:
  // The index files that close() writes beside `path`: PATH.fai and PATH.gzi for a .gz path, else none;
  // none either for a FIFO or a device (written bgzip-compressed all the same).
  static std::vector<std::string> index_paths(const std::string& path);

  fasta_writer();
  ~fasta_writer();
  fasta_writer(const fasta_writer&) = delete;
  fasta_writer& operator=(const fasta_writer&) = delete;

  // Starts `path` (replaced on close). Fails with "PATH: cannot create: reason".
  status open(const std::string& path, const fasta_writer_options& options = {});

  // Errors: a record without a name or with a name holding whitespace (it would not read back),
  // a write failure (disk full, closed pipe).
  status write(const sequence_record& record);
  // The same, for a record whose bases are `pieces` one after another: a design is written in the
  // record it was made in (before it, the design, after it) without a copy of the record.
  status write(const std::string& name, const std::string& comment, const std::vector<std::string_view>& pieces);

  // Flushes, closes (the temporary file renamed over PATH), and for .gz builds the index. Errors as
  // write(), plus index failures; a .gz with a record name written twice is kept without an index
  // (an error naming the name: a .fai finds one record per name).
  status close();

  // Drops what was written: the temporary file is removed and PATH keeps what it held (written in
  // place, it is closed as it is). What a writer destroyed without close() does.
  void discard();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace dnafill::bio
