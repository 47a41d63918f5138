// Any supported sequence file as one stream of named sequences: FASTA, FASTQ (plain, gzip, bgzip),
// SAM, BAM, CRAM; the whole file or one region. What `dnafill view` prints and batch jobs read.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "bio/alignment_reader.h"
#include "bio/fasta.h"
#include "bio/status.h"

namespace dnafill::bio {

struct source_options {
  std::string region;              // samtools-style NAME[:START[-END]]; empty reads every record
  alignment_options alignments;    // used for SAM/BAM/CRAM only
  const std::atomic<bool>* stop = nullptr;  // FASTA/FASTQ read through: fasta_reader::open's
};

// Standard input ("-"), a pipe or a FIFO (bash's <(...)): bytes read from it are gone, so it can be
// read only once, and only as FASTA/FASTQ (its format is not guessed from bytes read ahead).
bool is_stream(const std::string& path);

// Whether `path` is a CRAM file, by its first bytes: only a CRAM takes a reference (source_options).
bool is_cram(const std::string& path);

// Whether `path` is a SAM, BAM or CRAM file, by its first bytes: only these take the filters on
// alignments (source_options.alignments).
bool holds_alignments(const std::string& path);

// The index files that reading `path` by region makes or reads beside it: PATH.fai, .gzi, .bai, .csi,
// .crai. An output onto one would be taken for the index, or replaced by it.
std::vector<std::string> index_files(const std::string& path);

// Detects the format from the file's content, not its name. With a region:
//  - FASTA: fetched through the faidx index (built next to the file when missing and the folder is
//    writable); when no index can be had (plain gzip, read-only folder, stdin) the file is read
//    sequentially up to the first record of that name. One record comes out, named "NAME" for a
//    whole contig and "NAME:START-END" (1-based inclusive, as samtools faidx) otherwise.
//  - FASTQ: read sequentially, as FASTA without index.
//  - SAM/BAM/CRAM: the reads overlapping the region (alignment_reader::set_region).
// "-" is standard input, read as FASTA or FASTQ, as is any stream (is_stream). Not thread-safe; owns the reader it opens.
class sequence_source {
 public:
  sequence_source();
  ~sequence_source();
  sequence_source(const sequence_source&) = delete;
  sequence_source& operator=(const sequence_source&) = delete;

  // Errors: the file cannot be opened; it is a format dnafill does not read (VCF, an index, ...);
  // a bad or unknown region (for indexed files: checked here, before any record is read).
  status open(const std::string& path, const source_options& options = {});

  // As fasta_reader::next: false at the end or on error, error() tells which.
  bool next(sequence_record& record);
  const status& error() const;

  // "FASTA/FASTQ", "SAM", "BAM" or "CRAM" once open.
  const std::string& format_name() const;

  // Alignments so far that the filters on alignments dropped (alignment_reader::filtered_out); 0 for FASTA.
  std::int64_t filtered_out() const;
  // An alignment index passed over as older than its file (alignment_reader::older_index), or "".
  std::string older_index() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace dnafill::bio
