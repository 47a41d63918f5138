// Private helpers shared by the bio/ readers and writers: htslib handle ownership and logging.
// Not part of the public API; include only from bio/*.cpp.
#pragma once

#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/hts.h>
#include <htslib/sam.h>

#include <memory>
#include <string>
#include <string_view>

namespace dnafill::bio::detail {

// htslib prints its own diagnostics to stderr ("[E::bgzf_read_block] ..."). Every failure in bio/
// is reported through dnafill::status instead, so a command prints exactly one error line; this
// turns htslib's logging off once per process. Thread-safe (std::call_once).
void silence_htslib_log();

// One line into `line` (without its '\n'): its length, -1 at the end of the file, -2 when the data
// are truncated or corrupt. bgzf_getline alone returns the part of a line read before a corrupt block
// as a whole line and reads on with the next block: the handle's error code is the only trace.
int read_line(BGZF* fp, kstring_t* line);

// The error for read_line's -2 after `lines_read` whole lines. Not "line N": htslib decompresses ahead,
// so the break may lie well past the lines it handed back (zcat may show more of them).
std::string compressed_data_problem(const std::string& path, long lines_read);

// A BGZF file cut at a block boundary decompresses cleanly: only its missing end-of-file block tells
// that data was lost. False for plain and gzip files.
bool lacks_eof_block(BGZF* fp);

// Where the BGZF blocks of `path` give way to a plain gzip member (no BC field): a bgzip and a gzip
// file joined with cat. htslib reads on through it as zcat does, so such a file lacks the end-of-file
// block without being cut short; it is read whole, not by region (faidx refuses it). -1: no such
// member, or no block before it (plain gzip).
std::int64_t plain_gzip_after_blocks(const std::string& path);

// What htslib makes of a regular file's first bytes (hts_detect_format2); false when the file cannot
// be opened or htslib cannot classify it.
bool detect_format(const std::string& path, htsFormat& format);

// For a format that holds no sequence (VCF/BCF, an index, a BED), its description ("VCF version 4.2
// variant calling text"); empty for any other.
std::string non_sequence_format(const htsFormat& format);

// The format a text reader's first line names by its magic, of those the readers refuse by name:
// "BAM", "CRAM", "SAM" (a header line) or "gzip" (compressed again inside what htslib decompressed);
// null for anything else.
const char* refused_format(std::string_view first);

struct bgzf_closer {
  void operator()(BGZF* fp) const {
    if (fp) bgzf_close(fp);
  }
};
struct hts_file_closer {
  void operator()(htsFile* fp) const {
    if (fp) hts_close(fp);
  }
};
struct header_deleter {
  void operator()(sam_hdr_t* h) const {
    if (h) sam_hdr_destroy(h);
  }
};
struct bam1_deleter {
  void operator()(bam1_t* b) const {
    if (b) bam_destroy1(b);
  }
};
struct index_deleter {
  void operator()(hts_idx_t* idx) const {
    if (idx) hts_idx_destroy(idx);
  }
};
struct iterator_deleter {
  void operator()(hts_itr_t* itr) const {
    if (itr) hts_itr_destroy(itr);
  }
};
struct faidx_deleter {
  void operator()(faidx_t* fai) const {
    if (fai) fai_destroy(fai);
  }
};

using bgzf_ptr = std::unique_ptr<BGZF, bgzf_closer>;
using hts_file_ptr = std::unique_ptr<htsFile, hts_file_closer>;
using header_ptr = std::unique_ptr<sam_hdr_t, header_deleter>;
using bam1_ptr = std::unique_ptr<bam1_t, bam1_deleter>;
using index_ptr = std::unique_ptr<hts_idx_t, index_deleter>;
using iterator_ptr = std::unique_ptr<hts_itr_t, iterator_deleter>;
using faidx_ptr = std::unique_ptr<faidx_t, faidx_deleter>;

}  // namespace dnafill::bio::detail
