// SAM/BAM/CRAM reads as named sequences, through htslib; whole files or the reads of a region.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bio/fasta.h"
#include "bio/region.h"
#include "bio/status.h"

namespace dnafill::bio {

struct alignment_options {
  bool primary_only = false;  // skip secondary (0x100) and supplementary (0x800) alignments
  int min_mapq = 0;           // skip alignments with MAPQ below this (unmapped reads have MAPQ 0)
  std::string reference;      // FASTA for decoding CRAM; empty: the file's embedded reference or
                              // REF_PATH/REF_CACHE. dnafill never downloads a reference itself.
};

// The filters of `o` as the options that set them: "--primary", "--min-mapq 30", "--primary and
// --min-mapq 30"; empty when there is none. For messages about reads the filters dropped.
std::string filter_options_text(const alignment_options& o);

// Whether a BAM (BGZF) or CRAM file lacks its end-of-file marker. Some older writers omitted it, so
// reading goes on (as samtools does), but it is also exactly what a writer killed between two blocks
// leaves behind: callers warn. False for SAM, unreadable files, files that have it, and BGZF files
// that end in a plain gzip member (a gzip file joined on with cat, read whole as zcat reads it).
bool lacks_eof_marker(const std::string& path);

// Streams the reads of an alignment file as sequence_records:
//   name    = QNAME; comment = "flag=F mapq=Q pos=CONTIG:POS" (pos omitted for unmapped reads);
//   bases   = the read as sequenced: a read aligned to the reverse strand (flag 0x10) is reverse
//             complemented back to its original orientation, its quality reversed with it;
//   quality = Phred+33 when the file has qualities, else empty.
// Records without a stored sequence (SEQ '*', common for secondary alignments) are skipped: they
// hold nothing to read. Not thread-safe; owns its htslib handles.
class alignment_reader {
 public:
  alignment_reader();
  ~alignment_reader();
  alignment_reader(const alignment_reader&) = delete;
  alignment_reader& operator=(const alignment_reader&) = delete;

  // Opens a SAM, BAM or CRAM file and reads its header. Fails with "PATH: reason".
  status open(const std::string& path, const alignment_options& options = {});

  // Length of a reference sequence named in the header, -1 when there is none of that name.
  std::int64_t contig_length(std::string_view name) const;
  // The header's reference sequences in header order (what a region may name).
  std::vector<std::string> contig_names() const;
  // Whether a .bai/.csi/.crai index is there and used, so a region is read without scanning the file.
  bool has_index() const;
  // Why the index beside the file cannot be used ("X.bam.bai: a BAM index that does not fit X.bam
  // (...): remove it, or rebuild it with samtools index"); success when it fits or there is none.
  status index_problem() const;

  // Restricts reading to the alignments overlapping a region, parsed against the header's contigs
  // (samtools rules). Uses the .bai/.csi/.crai index when there is one; otherwise reads the whole
  // file and keeps the overlapping alignments. Call after open() and before the first next().
  status set_region(std::string_view text);

  // Reads the next kept read. Returns false at the end or on error; error() tells which
  // ("PATH: record N 'QNAME': problem", with "line L" for SAM when known). A whole file of no read
  // (a header only) is an error, "PATH: no reads: ...", as an empty FASTA file is.
  bool next(sequence_record& record);
  const status& error() const;

  // Reads so far with bases, in the region, that the filters (primary only, minimum MAPQ) dropped.
  std::int64_t filtered_out() const;
  // The index passed over because it is older than the file (it may be of an earlier version of it:
  // the region is read through the whole file instead); empty when none was.
  const std::string& older_index() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace dnafill::bio
