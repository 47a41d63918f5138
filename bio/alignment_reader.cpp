// SAM/BAM/CRAM reads as named sequences through htslib's sam_read1 / index iterators.
#include "bio/alignment_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <string_view>
#include <sys/stat.h>
#include <vector>

#include "bio/htslib_util.h"
#include "bio/index_check.h"
#include "bio/indexed_fasta.h"
#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

status check_regular_file(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return status::fail(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return status::fail(path + ": cannot open: is a directory");
  return status();
}

// CRAM stores reads as differences to a reference. When none is configured htslib would fetch it
// from the EBI server by MD5; dnafill never touches the network behind the user's back, so an
// unset REF_PATH is pointed at the current folder (where htslib looks for files named by MD5).
void forbid_remote_reference() {
  if (std::getenv("REF_PATH") == nullptr) setenv("REF_PATH", ".", 0);
}

// Positions and lengths: the SAM specification bounds them by 2^31 - 1, but htslib reads larger ones
// in SAM and CRAM (chromosomes of axolotl or lungfish are longer), so up to 2^62 they are taken.
constexpr std::int64_t most_position = std::int64_t{1} << 62;

// A SAM integer field's problem ("POS 'x' is not a whole number in 0..2^62"), or "" when it is one
// within [least, most]; its value in `value`.
std::string integer_problem(const char* name, std::string_view text, std::int64_t least, std::int64_t most,
                            std::int64_t& value) {
  const std::size_t sign = !text.empty() && text[0] == '-' && least < 0 ? 1 : 0;
  bool ok = text.size() > sign && text.size() <= sign + 19 &&
            text.find_first_not_of("0123456789", sign) == std::string_view::npos;
  value = 0;
  for (std::size_t i = sign; ok && i < text.size(); ++i) {
    ok = value <= (std::numeric_limits<std::int64_t>::max() - 9) / 10;  // room for one more digit
    value = value * 10 + (text[i] - '0');
  }
  if (ok && sign) value = -value;
  if (ok && value >= least && value <= most) return {};
  auto bound = [](std::int64_t v) {
    return v == most_position ? std::string("2^62") : v == -most_position ? std::string("-2^62") : std::to_string(v);
  };
  return std::string(name) + " '" + std::string(text) + "' is not a whole number in " + bound(least) + ".." + bound(most);
}

// The @SQ line's LN field, or -1 when it is missing or is not a length (htslib reads "abc" as 0 and
// takes a missing LN without a word).
std::int64_t reference_length(std::string_view line) {
  const auto ln = line.find("\tLN:");
  if (ln == std::string_view::npos) return -1;
  std::int64_t value = 0;
  const auto problem = integer_problem("LN", line.substr(ln + 4, line.find('\t', ln + 4) - (ln + 4)), 1, most_position, value);
  return problem.empty() ? value : -1;
}

// A header that names one reference in two @SQ lines: htslib keeps one, cannot look names up any
// more, and fails at the first read with a word about that read. Found in the header's text here,
// with @SQ lines whose length is missing or not a length.
status check_sq_lines(const std::string& path, sam_hdr_t* header) {
  std::set<std::string_view> seen;
  std::string_view text = sam_hdr_str(header) ? sam_hdr_str(header) : "";
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.substr(0, 4) != "@SQ\t") continue;
    const auto sn = line.find("\tSN:");
    if (sn == std::string_view::npos) continue;
    const auto name = line.substr(sn + 4, line.find('\t', sn + 4) - (sn + 4));
    if (!seen.insert(name).second)
      return status::fail(path + ": the header names reference '" + std::string(name) + "' in two @SQ lines");
    if (reference_length(line) < 0)
      return status::fail(path + ": the header's @SQ line for '" + std::string(name) +
                          "' has no LN that is a length (a whole number in 1..2^62)");
  }
  return status();
}

// The read length a CIGAR string says (M, I, S, = and X consume the read), or -1 when it does not parse.
std::int64_t cigar_read_length(std::string_view cigar) {
  std::int64_t total = 0, count = -1;
  for (const char c : cigar) {
    if (c >= '0' && c <= '9') {
      count = (count < 0 ? 0 : count) * 10 + (c - '0');
      if (count > (std::int64_t{1} << 40)) return -1;
    } else if (count < 0 || std::string_view("MIDNSHP=X").find(c) == std::string_view::npos) {
      return -1;
    } else {
      if (std::string_view("MIS=X").find(c) != std::string_view::npos) total += count;
      count = -1;
    }
  }
  return count < 0 ? total : -1;
}

// FLAG, POS, MAPQ, PNEXT and TLEN: htslib says "malformed record" for one that is not a number, and
// silently clamps some out of range (MAPQ 300 read as 255, FLAG 70000 as 65535).
std::string sam_number_problem(const std::vector<std::string_view>& f, std::int64_t& flag, std::int64_t& pos) {
  std::int64_t mapq = 0, pnext = 0, tlen = 0;
  for (auto problem : {integer_problem("FLAG", f[1], 0, 65535, flag), integer_problem("POS", f[3], 0, most_position, pos),
                       integer_problem("MAPQ", f[4], 0, 255, mapq), integer_problem("PNEXT", f[7], 0, most_position, pnext),
                       integer_problem("TLEN", f[8], -most_position, most_position, tlen)})
    if (!problem.empty()) return problem;
  return {};
}

// A read the FLAG calls mapped needs a place: htslib turns one without (POS 0, RNAME or CIGAR '*')
// read from SAM into an unmapped read, setting 0x4 itself, which changes what --region and the flag
// filters see; one decoded from a BAM or CRAM it takes as it is. `pos` is 1-based (0: none), and
// `reference` is empty for RNAME '*'.
std::string placement_problem(std::int64_t flag, std::string_view reference, std::int64_t pos, bool has_cigar,
                              std::int64_t reference_length) {
  if (flag & BAM_FUNMAP) return {};
  auto mapped_but = [&](const char* what) { return "FLAG " + std::to_string(flag) + " says mapped (0x4 not set), but " + what; };
  if (reference.empty()) return mapped_but("RNAME is '*'");
  if (pos <= 0) return mapped_but("POS is 0");
  if (!has_cigar) return mapped_but("CIGAR is '*'");
  if (pos > reference_length)
    return "POS " + std::to_string(pos) + " is past the end of reference '" + std::string(reference) + "' (LN " +
           std::to_string(reference_length) + ")";
  return {};
}

// The header's number of a reference name, or -1 for '*' and for a name no @SQ line gives.
int reference_id(const sam_hdr_t* header, std::string_view name) {
  return name == "*" ? -1 : sam_hdr_name2tid(const_cast<sam_hdr_t*>(header), std::string(name).c_str());
}

// What is wrong with one SAM record's text (its 11 mandatory fields), or "": the problems htslib turns
// silently into others, and those it reports only as "malformed record".
std::string sam_record_problem(const std::vector<std::string_view>& f, const sam_hdr_t* header) {
  const auto qname = f[0], rname = f[2], cigar = f[5], seq = f[9], qual = f[10];
  if (qname.size() > 254) return "QNAME is " + std::to_string(qname.size()) + " characters long (SAM allows 254)";
  std::int64_t flag = 0, pos = 0;
  if (auto problem = sam_number_problem(f, flag, pos); !problem.empty()) return problem;
  auto unknown = [](const char* field, std::string_view name) {
    return std::string(field) + " '" + std::string(name) + "' is not a reference of the header (no @SQ line)";
  };
  const int tid = reference_id(header, rname);
  if (rname != "*" && tid < 0) return unknown("RNAME", rname);
  const auto rnext = f[6];  // the mate's reference: htslib would make an unknown one '*' without a word
  if (rnext != "*" && rnext != "=" && reference_id(header, rnext) < 0) return unknown("RNEXT", rnext);
  if (auto problem = placement_problem(flag, rname == "*" ? "" : rname, pos, cigar != "*",
                                      tid < 0 ? 0 : sam_hdr_tid2len(header, tid));
      !problem.empty())
    return problem;
  for (std::size_t i = 0; seq != "*" && i < seq.size(); ++i)
    if (!is_iupac_base(seq[i]) && seq[i] != '=')
      return "SEQ column " + std::to_string(i + 1) + ": invalid character " + describe_char(seq[i]) +
             " (not an IUPAC nucleotide code)";
  if (cigar != "*") {
    const auto length = cigar_read_length(cigar);
    if (length < 0) return "CIGAR '" + std::string(cigar) + "' is not a CIGAR string";
    if (seq != "*" && length != static_cast<std::int64_t>(seq.size()))
      return "CIGAR '" + std::string(cigar) + "' covers " + std::to_string(length) + " bases of the read, SEQ has " +
             std::to_string(seq.size());
  }
  if (seq != "*" && qual != "*" && qual.size() != seq.size())
    return "QUAL has " + std::to_string(qual.size()) + " characters, SEQ " + std::to_string(seq.size());
  return {};
}

// htslib turns SEQ characters that are not bases into others (digits into bases, '.' or '!' into N),
// and a read placed on an RNAME the header lacks into an unmapped one (its flag changed), without a
// word, and says only "malformed record" for a CIGAR or QUAL that does not fit SEQ; a FASTA with bad
// characters is refused, so a SAM is too. One pass over the text first.
status check_sam_records(const std::string& path, const sam_hdr_t* header) {
  detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r"));
  if (!fp) return status::fail(path + ": cannot open");
  kstring_t line = {0, 0, nullptr};
  long line_no = 0, record = 0;
  status result;
  std::vector<std::string_view> fields;
  while (result.ok() && detail::read_line(fp.get(), &line) >= 0) {
    ++line_no;
    if (line.l == 0 || line.s[0] == '@') continue;
    ++record;
    std::string_view text(line.s, line.l);
    fields.clear();
    while (fields.size() < 11 && !text.empty()) {
      const auto tab = text.find('\t');
      fields.push_back(text.substr(0, tab));
      text = tab == std::string_view::npos ? std::string_view() : text.substr(tab + 1);
    }
    if (fields.size() < 11) {
      result = status::fail(path + ": record " + std::to_string(record) + " (line " + std::to_string(line_no) + "): " +
                            std::to_string(fields.size()) + " tab-separated fields, and a SAM record has 11 (QNAME FLAG "
                            "RNAME POS MAPQ CIGAR RNEXT PNEXT TLEN SEQ QUAL) before its tags");
      break;
    }
    if (const auto problem = sam_record_problem(fields, header); !problem.empty())
      result = status::fail(path + ": record " + std::to_string(record) + " (line " + std::to_string(line_no) + "): " + problem);
  }
  std::free(line.s);
  return result;
}

// The index htslib would load for `file` (x.bam.bai, else x.bai; x.cram.crai, else x.crai), or ""
// when there is none.
std::string index_of(const std::string& file, const std::string& index_ext, const std::string& file_ext) {
  struct stat st;
  if (stat((file + index_ext).c_str(), &st) == 0) return file + index_ext;
  if (file.size() > file_ext.size() && file.compare(file.size() - file_ext.size(), file_ext.size(), file_ext) == 0) {
    const std::string other = file.substr(0, file.size() - file_ext.size()) + index_ext;
    if (stat(other.c_str(), &st) == 0) return other;
  }
  return {};
}

}  // namespace

struct alignment_reader::impl {
  std::string path;
  alignment_options options;
  detail::hts_file_ptr fp;
  detail::header_ptr header;
  detail::bam1_ptr read{bam_init1()};
  detail::index_ptr index;
  detail::iterator_ptr iterator;
  bool is_sam = false;
  bool is_cram = false;
  long header_lines = 0;
  // Region filter when the file has no index: reads are streamed and tested for overlap.
  bool filter_region = false;
  int region_tid = -1;
  std::int64_t region_begin = 0, region_end = 0;
  bool started = false;
  bool done = false;
  std::int64_t record_no = 0;  // alignments read from the file so far
  std::int64_t reads_with_bases = 0;  // of them, those with a SEQ
  std::int64_t filtered_out = 0;      // reads with bases, in the region, that the filters dropped
  std::string older_index;            // an index passed over as older than the file
  status err;

  bool fail(const std::string& problem);
  status load_index();
  bool keep(const bam1_t* b);
  bool to_record(const bam1_t* b, sequence_record& record);
};

bool alignment_reader::impl::fail(const std::string& problem) {
  std::string where = path + ": record " + std::to_string(record_no);
  if (is_sam && !iterator) where += " (line " + std::to_string(header_lines + record_no) + ")";
  err = status::fail(where + ": " + problem);
  done = true;
  return false;
}

bool alignment_reader::impl::keep(const bam1_t* b) {
  if (b->core.l_qseq <= 0) return false;  // SEQ '*': nothing to read
  if (filter_region) {
    if (b->core.tid != region_tid) return false;
    if (b->core.pos >= region_end || bam_endpos(b) <= region_begin) return false;
  }
  const std::uint16_t flag = b->core.flag;
  const bool kept = !(options.primary_only && (flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY))) &&
                    b->core.qual >= options.min_mapq;
  if (!kept) ++filtered_out;
  return kept;
}

bool alignment_reader::impl::to_record(const bam1_t* b, sequence_record& record) {
  record = sequence_record{};
  record.name = bam_get_qname(b);
  // SAM's QNAME is 1-254 printable characters without spaces: anything else would be written into a
  // FASTA header as it stands (an empty name, terminal escapes).
  if (record.name.empty()) return fail("empty QNAME (read name)");
  for (char c : record.name)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return fail("QNAME (read name) holds " + describe_char(c) + ", outside SAM's printable characters");
  // Mates share their QNAME: they are named NAME/1 and NAME/2, as samtools fasta names them, so that
  // the two records, and the designs made of them, are told apart.
  const bool read1 = b->core.flag & BAM_FREAD1, read2 = b->core.flag & BAM_FREAD2;
  if (read1 != read2) record.name += read1 ? "/1" : "/2";
  const int n = b->core.l_qseq;
  const std::uint8_t* seq = bam_get_seq(b);
  record.bases.resize(n);
  for (int i = 0; i < n; ++i) record.bases[i] = seq_nt16_str[bam_seqi(seq, i)];
  for (int i = 0; i < n; ++i) {
    if (!is_iupac_base(record.bases[i])) {
      // '=' means "same as the reference": the read's own base is not stored.
      return fail("read '" + record.name + "' position " + std::to_string(i + 1) +
                  ": base '=' (equal to reference) cannot be read as a sequence");
    }
  }
  const std::uint8_t* qual = bam_get_qual(b);
  if (n > 0 && qual[0] != 0xff) {
    record.quality.resize(n);
    for (int i = 0; i < n; ++i) record.quality[i] = static_cast<char>(std::min(qual[i], std::uint8_t{93}) + 33);
  }
  if (b->core.flag & BAM_FREVERSE) {
    reverse_complement_in_place(record.bases);
    std::reverse(record.quality.begin(), record.quality.end());
  }
  record.comment = "flag=" + std::to_string(b->core.flag) + " mapq=" + std::to_string(b->core.qual);
  if (!(b->core.flag & BAM_FUNMAP) && b->core.tid >= 0) {
    record.comment += std::string(" pos=") + sam_hdr_tid2name(header.get(), b->core.tid) + ":" +
                      std::to_string(b->core.pos + 1);
  }
  return true;
}

alignment_reader::alignment_reader() : impl_(std::make_unique<impl>()) {}
alignment_reader::~alignment_reader() = default;

bool lacks_eof_marker(const std::string& path) {
  htsFile* fp = hts_open(path.c_str(), "r");
  if (!fp) return false;
  const bool lacks = hts_check_EOF(fp) == 0;  // 1: present, 2: not applicable (SAM), -1: cannot tell
  hts_close(fp);
  return lacks && detail::plain_gzip_after_blocks(path) < 0;  // a gzip file joined on is read whole
}

status alignment_reader::open(const std::string& path, const alignment_options& options) {
  detail::silence_htslib_log();
  impl_ = std::make_unique<impl>();
  impl& d = *impl_;
  d.path = path;
  d.options = options;
  d.done = true;  // until open succeeds
  if (options.min_mapq < 0 || options.min_mapq > 255) {
    return status::fail("minimum MAPQ " + std::to_string(options.min_mapq) + " is outside 0..255");
  }
  if (status s = check_regular_file(path); !s) return s;
  d.fp.reset(hts_open(path.c_str(), "r"));
  if (!d.fp) return status::fail(path + ": cannot open as SAM, BAM or CRAM");
  const htsFormat* format = hts_get_format(d.fp.get());
  if (format->format != sam && format->format != bam && format->format != cram) {
    return status::fail(path + ": not a SAM, BAM or CRAM file");
  }
  d.is_sam = format->format == sam;
  d.is_cram = format->format == cram;
  // Given with a SAM or BAM, a reference would be ignored, as the filters given with a FASTA are not.
  if (!options.reference.empty() && !d.is_cram)
    return status::fail(path + ": a " + (d.is_sam ? "SAM" : "BAM") + " file holds its bases: a CRAM reference (" +
                        options.reference + ") applies to CRAM only");
  if (format->format == cram) {
    if (!options.reference.empty()) {
      if (status s = check_regular_file(options.reference); !s) return status::fail("CRAM reference: " + s.message());
      // Its index checked (and built anew when it does not fit) here: htslib's CRAM decoder asserts
      // on a .fai that points past the data.
      if (status s = indexed_fasta().open(options.reference); !s) return status::fail("CRAM reference: " + s.message());
      if (hts_set_fai_filename(d.fp.get(), options.reference.c_str()) != 0) {
        return status::fail(options.reference + ": cannot use as the CRAM reference");
      }
    } else {
      forbid_remote_reference();
    }
  }
  // A missing BGZF end-of-file marker is accepted, as samtools does: older BAM writers omitted it
  // (the smalt example BAM in Debian has none); the command line warns (lacks_eof_marker).
  // Truncation inside a block still fails on reading.
  d.header.reset(sam_hdr_read(d.fp.get()));
  if (!d.header) return status::fail(path + ": cannot read the header (truncated or corrupt file)");
  if (status s = check_sq_lines(path, d.header.get()); !s) return s;
  if (d.is_sam) {
    const char* text = sam_hdr_str(d.header.get());
    for (const char* p = text; p && *p; ++p) d.header_lines += *p == '\n';
    if (status s = check_sam_records(path, d.header.get()); !s) return s;
  }
  if (!d.read) return status::fail(path + ": out of memory");
  d.done = false;
  return status();
}

std::int64_t alignment_reader::contig_length(std::string_view name) const {
  if (!impl_->header) return -1;
  const int tid = sam_hdr_name2tid(impl_->header.get(), std::string(name).c_str());
  return tid < 0 ? -1 : sam_hdr_tid2len(impl_->header.get(), tid);
}

std::vector<std::string> alignment_reader::contig_names() const {
  std::vector<std::string> names;
  if (!impl_->header) return names;
  const int n = sam_hdr_nref(impl_->header.get());
  for (int i = 0; i < n; ++i) names.emplace_back(sam_hdr_tid2name(impl_->header.get(), i));
  return names;
}

bool alignment_reader::has_index() const {
  // Kept for set_region: a CRAM index belongs to the open file, so it is loaded once.
  impl& d = *impl_;
  return d.load_index().ok() && d.index != nullptr;
}

status alignment_reader::index_problem() const { return impl_->load_index(); }

status alignment_reader::impl::load_index() {
  if (index || !fp) return status();
  // htslib's order: a BAM's .csi before its .bai. The one checked is the one htslib is given.
  auto index_file = is_sam ? std::string() : is_cram ? index_of(path, ".crai", ".cram") : index_of(path, ".csi", ".bam");
  if (!is_sam && !is_cram && index_file.empty()) index_file = index_of(path, ".bai", ".bam");
  if (!index_file.empty()) {
    struct stat st;
    if (stat(index_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))  // a folder: reading it would throw
      return status::fail(index_file + ": the index of " + path + " is not a regular file: remove it, or rebuild it with samtools index");
    const auto index_time = st.st_mtime;
    const auto bytes = stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    // An index made before its file was last written may be of an earlier file: its offsets can pass
    // over the reads of a region without a word (one rewritten in place at the same size fits every
    // check below). It may as well be current, copied first (cp x.bai x.bam): not refused, passed
    // over, and the whole file read (callers warn). Whole seconds, as htslib's warning counts them.
    if (index_time < st.st_mtime) {
      older_index = index_file;
      return status();
    }
    std::vector<std::int64_t> lengths(static_cast<std::size_t>(sam_hdr_nref(header.get())));
    for (std::size_t i = 0; i < lengths.size(); ++i) lengths[i] = sam_hdr_tid2len(header.get(), static_cast<int>(i));
    if (const auto problem = is_cram ? detail::crai_problem(index_file, path, lengths, bytes)
                                     : detail::bam_index_problem(index_file, path, lengths, bytes);
        !problem.empty())
      return status::fail(index_file + ": " + (is_cram ? "a CRAM" : "a BAM") + " index that does not fit " + path + " (" +
                          problem + "): remove it, or rebuild it with samtools index");
  }
  index.reset(sam_index_load3(fp.get(), path.c_str(), index_file.empty() ? nullptr : index_file.c_str(), HTS_IDX_SILENT_FAIL));
  return status();
}

status alignment_reader::set_region(std::string_view text) {
  impl& d = *impl_;
  if (!d.header || d.started) return status::fail(d.path + ": set_region needs an open file not yet read");
  region r;
  const auto lookup = [this](std::string_view name) { return contig_length(name); };
  if (status s = parse_region(text, lookup, r); !s) return status::fail(d.path + ": " + s.message());
  const int tid = sam_hdr_name2tid(d.header.get(), r.contig.c_str());
  if (status s = d.load_index(); !s) return s;
  if (d.index) {
    d.iterator.reset(sam_itr_queryi(d.index.get(), tid, r.start, r.end));
    if (!d.iterator) return status::fail(d.path + ": cannot query region '" + std::string(text) + "' in the index");
  } else {
    d.filter_region = true;
    d.region_tid = tid;
    d.region_begin = r.start;
    d.region_end = r.end;
  }
  return status();
}

bool alignment_reader::next(sequence_record& record) {
  impl& d = *impl_;
  if (d.done) return false;
  d.started = true;
  for (;;) {
    const int r = d.iterator ? sam_itr_next(d.fp.get(), d.iterator.get(), d.read.get())
                             : sam_read1(d.fp.get(), d.header.get(), d.read.get());
    if (r == -1) {
      d.done = true;
      // As an empty FASTA file is an error: a whole file with a header and no read holds nothing to
      // read, and would otherwise pass for a file whose reads were all used. (A region may hold none.)
      if (d.record_no == 0 && !d.iterator && !d.filter_region)
        d.err = status::fail(d.path + ": no reads: the file holds a header only");
      else if (d.reads_with_bases == 0 && !d.iterator && !d.filter_region)  // likewise: nothing to read
        d.err = status::fail(d.path + ": no read holds bases (every SEQ is '*')");
      return false;
    }
    ++d.record_no;
    if (r >= 0 && d.read->core.l_qseq > 0) ++d.reads_with_bases;
    if (r < -1) {
      // Read through an index, the fault may be the index's: one left from another file points
      // into the middle of a record, or of a CRAM container.
      const std::string index = d.iterator ? " an index that does not fit it (rebuild it with samtools index)," : "";
      if (d.is_cram && d.options.reference.empty())
        return d.fail("cannot decode: corrupt file," + index + " or the CRAM reference is not available (give the reference FASTA)");
      if (d.is_cram)
        return d.fail("cannot decode: corrupt file," + index + " or " + d.options.reference +
                      " is not the reference it was written against (its sequences' MD5s differ)");
      const std::string or_index = d.iterator ? ", or an index that does not fit it (rebuild it with samtools index)" : "";
      return d.fail("cannot read: malformed record or truncated file" + or_index);
    }
    // The SAM text's rules for a read decoded from a BAM or CRAM, which htslib takes as it is.
    const auto& c = d.read->core;
    if (const auto problem = placement_problem(c.flag, c.tid < 0 ? "" : sam_hdr_tid2name(d.header.get(), c.tid), c.pos + 1,
                                               c.n_cigar > 0, c.tid < 0 ? 0 : sam_hdr_tid2len(d.header.get(), c.tid));
        !problem.empty())
      return d.fail(problem);
    if (!d.keep(d.read.get())) continue;
    return d.to_record(d.read.get(), record);
  }
}

std::string filter_options_text(const alignment_options& o) {
  std::string text = o.primary_only ? "--primary" : "";
  if (o.min_mapq > 0) text += (text.empty() ? "" : " and ") + ("--min-mapq " + std::to_string(o.min_mapq));
  return text;
}

const status& alignment_reader::error() const { return impl_->err; }

std::int64_t alignment_reader::filtered_out() const { return impl_->filtered_out; }

const std::string& alignment_reader::older_index() const { return impl_->older_index; }

}  // namespace dnafill::bio
