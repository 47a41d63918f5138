// FASTA/FASTQ reading through htslib: streaming, plain, gzip or bgzip, with clear errors.
#pragma once

#include <cstdint>
#include <functional>
#include <atomic>
#include <memory>
#include <string>

#include "bio/status.h"

namespace dnafill::bio {

// One named sequence as read from a file. `bases` keeps the file's case (lowercase means soft-masked);
// it holds IUPAC letters only (A C G T U R Y S W K M B D H V N and lowercase), line breaks removed.
struct sequence_record {
  std::string name;     // first word of the header line
  std::string comment;  // rest of the header line, may be empty
  std::string bases;
  std::string quality;  // FASTQ only, else empty
  std::int64_t start = 0;  // where `bases` begin in the file's record, 0-based: a region's START - 1, else 0
};

// Streams the records of a FASTA or FASTQ file (format detected from the first character).
// Not thread-safe; one reader per thread. Owns its htslib handle and closes it on destruction.
class fasta_reader {
 public:
  fasta_reader();
  ~fasta_reader();
  fasta_reader(const fasta_reader&) = delete;
  fasta_reader& operator=(const fasta_reader&) = delete;

  // Opens a file ("-" is stdin). Fails with "PATH: <reason>" when it cannot be opened. Once `stop`
  // is set (from another thread: a window closing), the record in hand ends at its next line and
  // next() fails with "PATH: reading stopped": a chromosome is not read to its end.
  status open(const std::string& path, const std::atomic<bool>* stop = nullptr);

  // Reads the next record into `record`. Returns true when a record was read; false at the end of
  // the file or on error: then error() tells which ("PATH: record 'NAME' line N: problem").
  bool next(sequence_record& record);
  const status& error() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Reads every record of `path` in order and hands each to `on_record` (which may move from it).
// Fails with the reader's message; an empty file is an error, as for the reader.
status for_each_record(const std::string& path, const std::function<void(sequence_record&)>& on_record);

}  // namespace dnafill::bio
