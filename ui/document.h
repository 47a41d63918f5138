// The studio's working document: the records of one opened file (or a region of it), each with its
// working bases and the holes the user masked; and what a file offers before it is read (its format,
// and the contigs of an indexed file for the region chooser). Plain C++, no Qt widgets: reading runs
// off the GUI thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "bio/mask.h"
#include "bio/sequence_source.h"
#include "bio/status.h"

namespace dnafill::ui {

struct WorkingRecord {
  std::string name;
  std::string bases;                 // as read (case kept), then as edited by accepted variants
  std::vector<bio::interval> masks;  // the holes to design: merged, 0-based half-open
  std::size_t readHash = 0;          // std::hash of the bases as read; 0 for a record made in the studio
  bool asRead() const;               // the bases are still those of the file
  std::string comment;               // the header's rest: a FASTA description, a read's "flag=.. mapq=.. pos=CONTIG:POS"
  std::int64_t start = 0;            // where its bases begin in their contig, 0-based: a FASTA region's START - 1
};

struct Document {
  std::string path;    // the file it was read from; empty for a new document
  std::string region;  // the region read (samtools-style); empty: the whole file
  std::string format;  // "FASTA/FASTQ", "SAM", "BAM", "CRAM"
  std::vector<WorkingRecord> records;
  bool truncated = false;  // more records than the limit: only the first ones were read
};

// What a file is before reading it: its format, and for an indexed file (FASTA with .fai, SAM/BAM/CRAM
// with .bai/.csi/.crai) its contigs, so the user can pick a region instead of reading it all.
struct FileProbe {
  std::string format;
  bool indexed = false;
  std::vector<std::pair<std::string, std::int64_t>> contigs;  // name, length
};

// Errors name the file: it cannot be opened, it is not a sequence file dnafill reads.
status probeFile(const std::string& path, FileProbe& out);

struct ReadLimits {
  std::size_t maxRecords = 20000;                 // reads of a BAM can be millions: keep the first ones
  std::int64_t maxBases = std::int64_t{1} << 30;  // refuse more than this in memory
};

// Reads every record of `path` (or of `region`) through bio::sequence_source; a CRAM is decoded with
// `cramReference` (a FASTA) when one is given. Errors as bio reports them ("PATH: record 'NAME' line
// N: ..."), and an empty file or region. Once `stop` is set (the window closes) it ends at the next
// line of a FASTA/FASTQ record being read (a chromosome is not read to its end), else after the record
// in hand, failing "PATH: reading stopped".
status readDocument(const std::string& path, const std::string& region, const ReadLimits& limits, Document& out,
                    const std::string& cramReference = {}, const std::atomic<bool>* stop = nullptr);

// The reading options of `path`: `cramReference` when it is a CRAM file, which the reference decodes;
// none for the other formats, whose readers refuse one.
bio::source_options sourceOptions(const std::string& path, const std::string& cramReference);

// The number the window gives the first of `length` bases that begin at 0-based `start` of their
// contig: START, so that the ruler, the selection boxes and the results count as the contig does; 1
// where the selection boxes (ints) could not hold the numbers.
std::int64_t firstPositionOf(std::int64_t start, std::size_t length);

// Adds `hole` to `masks` (merging); removes it when `remove`.
std::vector<bio::interval> withHole(const std::vector<bio::interval>& masks, bio::interval hole, bool remove = false);

// How many of `bases`, laid on `reference` from `start`, differ from it (case ignored); bases past the
// reference's end all count.
std::int64_t countEdits(const std::string& reference, std::int64_t start, const std::string& bases);

}  // namespace dnafill::ui
