// Checks of a BAM's .bai or .csi and a CRAM's .crai against their file, before htslib loads them.
#include "bio/index_check.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "bio/htslib_util.h"

namespace dnafill::bio::detail {
namespace {

// The first base a bin covers in the binning scheme of the SAM spec (section 5.3), or -1 for a number
// that is no bin. Level l holds 8^l bins of 2^(min_shift + 3 (depth - l)) bases; a .bai is the CSI
// scheme with min_shift 14 and depth 5 (bins of 2^29, 2^26, ..., 2^14 bases).
std::int64_t bin_start(std::uint64_t bin, int min_shift, int depth) {
  std::uint64_t first = 0;
  for (int level = 0; level <= depth; ++level) {
    const std::uint64_t count = std::uint64_t{1} << (3 * level);
    if (bin < first + count) return static_cast<std::int64_t>((bin - first) << (min_shift + 3 * (depth - level)));
    first += count;
  }
  return -1;
}

// What the walk of an index learns for the end check: where its last placed read ends (a virtual
// offset; 0 when it places none), and how many unplaced reads it counts (when it says).
struct bai_facts {
  std::uint64_t last_read_end = 0;
  std::optional<std::uint64_t> unplaced;
};

// Little-endian fields read one after another from an index's bytes. Past the end every field
// reads 0 and `short_read` is set.
struct field_reader {
  const std::string& data;
  std::size_t at = 0;
  bool short_read = false;

  std::uint64_t take(std::size_t bytes) {
    if (short_read || data.size() - at < bytes) {
      short_read = true;
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = bytes; i-- > 0;) v = v << 8 | static_cast<unsigned char>(data[at + i]);
    at += bytes;
    return v;
  }
  std::int32_t int32() { return static_cast<std::int32_t>(take(4)); }

  // The end of both walks: the optional count of unplaced reads, then nothing.
  std::string end_problem(bai_facts& facts) {
    if (!short_read && data.size() - at == 8) facts.unplaced = take(8);
    // Fewer bytes than the count of unplaced reads: that count cut short, not bytes added.
    if (short_read || (at != data.size() && data.size() - at < 8)) return "truncated";
    if (at != data.size()) return std::to_string(data.size() - at) + " bytes after its end";
    return {};
  }
};

// Whether a virtual offset (compressed offset << 16 | offset in the block) falls inside a BAM of `bytes`.
bool within_bam(std::uint64_t virtual_offset, std::uint64_t bytes) { return (virtual_offset >> 16) <= bytes; }

// The bins of one reference, as a .bai and a .csi both hold them (a .csi with each bin's linear
// offset `loffset` beside it): a problem, or an empty string. `meta_bin` is samtools' summary, whose
// second "chunk" holds read counts, not offsets.
std::string bins_problem(field_reader& in, bool csi, int min_shift, int depth, std::uint64_t meta_bin,
                         std::int64_t length, std::uint64_t bam_bytes, const std::string& ref, bai_facts& facts) {
  const auto n_bin = in.int32();
  if (n_bin < 0 || static_cast<std::uint64_t>(n_bin) > meta_bin + 1) return ref + ": impossible bin count";
  for (std::int32_t b = 0; b < n_bin && !in.short_read; ++b) {
    const auto bin = in.take(4);
    if (csi && !within_bam(in.take(8), bam_bytes)) return ref + ": an offset outside the BAM file";
    const auto n_chunk = in.int32();
    if (bin > meta_bin || n_chunk < 0) return ref + ": impossible bin";
    if (const auto start = bin_start(bin, min_shift, depth); bin != meta_bin && (start < 0 || start >= std::max<std::int64_t>(length, 1)))
      return ref + ": bin " + std::to_string(bin) + " starts past its end (LN " + std::to_string(length) +
             "; a damaged index, or reads placed beyond the header's LN)";
    for (std::int32_t c = 0; c < n_chunk && !in.short_read; ++c) {
      const auto begin = in.take(8), end = in.take(8);
      if (in.short_read || bin == meta_bin) continue;
      if (begin > end || !within_bam(end, bam_bytes)) return ref + ": a chunk outside the BAM file";
      facts.last_read_end = std::max(facts.last_read_end, end);
    }
  }
  return {};
}

// htslib 1.16 frees a garbage pointer when a truncated .bai fails to load (a crash), and takes many
// damaged ones as an index that finds no read. So a BAM's .bai is walked field by field first:
// a problem found ("truncated at byte N", ...), or an empty string. `lengths` are the header's
// reference lengths: a bin that starts past its reference's end would hide the reads filed in it.
std::string bai_walk_problem(const std::string& bai, const std::vector<std::int64_t>& lengths, std::uint64_t bam_bytes,
                             bai_facts& facts) {
  std::ifstream file(bai, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  field_reader in{data};
  if (data.compare(0, 4, "BAI\1") != 0) return "not a BAM index (no BAI magic)";
  in.at = 4;
  const auto n_ref = in.int32();
  if (n_ref < 0 || static_cast<std::size_t>(n_ref) != lengths.size())
    return std::to_string(n_ref) + " references, the BAM header " + std::to_string(lengths.size());
  for (std::int32_t ref = 0; ref < n_ref && !in.short_read; ++ref) {
    const std::string name = "reference " + std::to_string(ref);
    if (auto problem = bins_problem(in, false, 14, 5, 37450, lengths[ref], bam_bytes, name, facts); !problem.empty())
      return problem;
    const auto n_intv = in.int32();
    if (n_intv < 0) return name + ": impossible interval count";
    // The linear index holds, per 16 kb window, the first read overlapping it: in a sorted BAM it
    // never goes back (a read overlapping window i + 1 starts there or also overlaps window i).
    // One set too far ahead would skip the reads before it.
    std::uint64_t last = 0;
    for (std::int32_t i = 0; i < n_intv && !in.short_read; ++i) {
      const auto offset = in.take(8);
      if (in.short_read) break;
      if (!within_bam(offset, bam_bytes)) return name + ": an offset outside the BAM file";
      if (offset != 0 && offset < last) return name + ": linear index goes back at window " + std::to_string(i);
      last = std::max(last, offset);
    }
  }
  return in.end_problem(facts);
}

// A .csi (BGZF-compressed; the binning scheme's min_shift and depth in its header, for references
// longer than a .bai can index) is walked the same way: htslib would load a stale one without a word.
std::string csi_walk_problem(const std::string& csi, const std::vector<std::int64_t>& lengths, std::uint64_t bam_bytes,
                             bai_facts& facts) {
  std::string data;
  {
    bgzf_ptr fp(bgzf_open(csi.c_str(), "r"));
    if (!fp) return "cannot be read";
    char buffer[65536];
    ssize_t got = 0;
    while ((got = bgzf_read(fp.get(), buffer, sizeof buffer)) > 0) data.append(buffer, static_cast<std::size_t>(got));
    if (got < 0) return "damaged compression";
  }
  field_reader in{data};
  if (data.compare(0, 4, "CSI\1") != 0) return "not a CSI index (no CSI magic)";
  in.at = 4;
  const auto min_shift = in.int32(), depth = in.int32(), l_aux = in.int32();
  if (min_shift < 0 || depth < 0 || min_shift + 3 * std::int64_t{depth} > 62 || l_aux < 0)
    return "impossible min_shift " + std::to_string(min_shift) + " or depth " + std::to_string(depth);
  if (data.size() - in.at < static_cast<std::size_t>(l_aux)) return "truncated";
  in.at += static_cast<std::size_t>(l_aux);
  const auto n_ref = in.int32();
  if (n_ref < 0 || static_cast<std::size_t>(n_ref) != lengths.size())
    return std::to_string(n_ref) + " references, the BAM header " + std::to_string(lengths.size());
  // samtools' summary bin: one past the last bin of the deepest level.
  const std::uint64_t meta_bin = ((std::uint64_t{1} << (3 * (depth + 1))) - 1) / 7 + 1;
  for (std::int32_t ref = 0; ref < n_ref && !in.short_read; ++ref)
    if (auto problem = bins_problem(in, true, min_shift, depth, meta_bin, lengths[ref], bam_bytes,
                                    "reference " + std::to_string(ref), facts);
        !problem.empty())
      return problem;
  return in.end_problem(facts);
}

std::uint32_t little_endian(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

// Whether the first 36 bytes of a BAM record (block_size and the fixed fields, SAM spec 4.2) can be
// one: a reference of the header or none, a name, and a size that holds the name, CIGAR and read.
bool record_start(const unsigned char* core, std::size_t n_ref) {
  const auto size = static_cast<std::int32_t>(little_endian(core));
  const auto ref = static_cast<std::int32_t>(little_endian(core + 4));
  const auto pos = static_cast<std::int32_t>(little_endian(core + 8));
  const unsigned name_length = core[12];
  const unsigned cigar_ops = core[16] | core[17] << 8;
  const auto seq_length = static_cast<std::int32_t>(little_endian(core + 20));
  const auto mate_ref = static_cast<std::int32_t>(little_endian(core + 24));
  const auto in_header = [&](std::int32_t r) { return r >= -1 && r < static_cast<std::int64_t>(n_ref); };
  if (!in_header(ref) || !in_header(mate_ref) || pos < -1 || name_length < 1 || seq_length < 0) return false;
  const std::int64_t least = 32 + std::int64_t{name_length} + 4 * std::int64_t{cigar_ops} + (seq_length + 1) / 2 + seq_length;
  return size >= least;
}

// Where an index says the placed reads end, the BAM ends, or its unplaced reads begin (samtools sorts
// them last). An index of another BAM, or of this one before it was rewritten, can pass the walk with
// every offset inside the file and then find other reads than are there, or fewer: this is where it
// shows. A problem, or an empty string.
std::string read_end_problem(const std::string& bam, const bai_facts& facts, std::size_t n_ref) {
  struct stat st;
  // A stream (a FIFO would be drained, or wait for a writer).
  if (stat(bam.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  bgzf_ptr fp(bgzf_open(bam.c_str(), "r"));
  if (!fp) return {};  // reading the BAM will say what is wrong with it
  unsigned char core[36];
  if (facts.last_read_end == 0) {
    // An index that places no read (that of a BAM of the same header and no placed read) finds
    // nothing in any region: the first read, placed reads sort first, must then be unplaced.
    const header_ptr header(bam_hdr_read(fp.get()));
    if (!header || bgzf_read(fp.get(), core, sizeof core) != static_cast<ssize_t>(sizeof core) || !record_start(core, n_ref))
      return {};  // no read at all, or reading the BAM will say what is wrong with it
    const auto ref = static_cast<std::int32_t>(little_endian(core + 4));
    const auto pos = static_cast<std::int32_t>(little_endian(core + 8));
    return ref >= 0 && pos >= 0 ? "it places no read, the BAM holds placed reads" : "";
  }
  const bool sought = bgzf_seek(fp.get(), static_cast<std::int64_t>(facts.last_read_end), SEEK_SET) == 0;
  const ssize_t got = sought ? bgzf_read(fp.get(), core, sizeof core) : -1;
  const std::uint64_t unplaced = facts.unplaced.value_or(0);
  if (got == 0)
    return unplaced == 0 ? ""
                         : "it counts " + std::to_string(unplaced) + " unplaced reads after the placed ones, the BAM ends there";
  if (got != static_cast<ssize_t>(sizeof core) || !record_start(core, n_ref))
    return "where it says the placed reads end, the BAM holds no record";
  // A read on a reference but without a position (POS 0 in SAM) is placed by htslib and not by
  // htsjdk (Picard), which files no chunk for it: either index may end before it.
  const auto ref = static_cast<std::int32_t>(little_endian(core + 4));
  const auto pos = static_cast<std::int32_t>(little_endian(core + 8));
  if (ref >= 0) return pos >= 0 ? "the BAM holds placed reads after where it says they end" : "";
  if (facts.unplaced && unplaced == 0) return "it counts no unplaced read, the BAM holds some after the placed ones";
  return {};
}

}  // namespace

std::string bam_index_problem(const std::string& index, const std::string& bam, const std::vector<std::int64_t>& lengths,
                              std::uint64_t bam_bytes) {
  bai_facts facts;
  const bool csi = index.size() >= 4 && index.compare(index.size() - 4, 4, ".csi") == 0;
  if (auto problem = csi ? csi_walk_problem(index, lengths, bam_bytes, facts) : bai_walk_problem(index, lengths, bam_bytes, facts);
      !problem.empty())
    return problem;
  return read_end_problem(bam, facts, lengths.size());
}

// A CRAM 3 container header (spec section 7.1), as far as a .crai's slices are checked against it.
struct cram_container {
  std::int64_t header = 0;   // bytes of the header, its CRC32 included
  std::int64_t length = 0;   // bytes after the header: the slices
  std::int64_t ref = 0;      // -1 unplaced, -2 several references
  std::int64_t records = 0;  // reads in it: 0 in the file header's container and the end-of-file one
  std::vector<std::int64_t> landmarks;  // where its slices start, after the header
};

// The ITF-8 and LTF-8 integers of CRAM headers (spec section 2.3): the leading 1 bits of the first
// byte count the bytes that follow, big-endian (ITF-8's fifth byte gives only its low 4 bits).
std::int64_t itf8(field_reader& in) {
  const auto first = static_cast<unsigned>(in.take(1));
  int more = 0;
  while (more < 4 && (first & (0x80u >> more))) ++more;
  std::uint32_t v = more == 4 ? first & 0x0fu : first & (0xffu >> (more + 1));
  for (int k = 0; k < more; ++k) v = more == 4 && k == 3 ? v << 4 | (in.take(1) & 0x0fu) : v << 8 | in.take(1);
  return static_cast<std::int32_t>(v);
}

std::int64_t ltf8(field_reader& in) {
  const auto first = static_cast<unsigned>(in.take(1));
  int more = 0;
  while (more < 8 && (first & (0x80u >> more))) ++more;
  std::uint64_t v = more >= 7 ? 0 : first & (0xffu >> (more + 1));
  for (int k = 0; k < more; ++k) v = v << 8 | in.take(1);
  return static_cast<std::int64_t>(v);
}

// The container header at `offset` of a CRAM 3 file, checked by its CRC32: false where none starts there.
bool read_container(std::ifstream& cram, std::uint64_t offset, cram_container& c) {
  // Landmarks make it long in a container of many slices (~5 bytes each): read more until it fits.
  for (std::size_t want = 256; want <= (std::size_t{1} << 26); want *= 8) {
    std::string data(want, '\0');
    cram.clear();
    cram.seekg(static_cast<std::streamoff>(offset));
    cram.read(data.data(), static_cast<std::streamsize>(want));
    data.resize(static_cast<std::size_t>(std::max<std::streamsize>(cram.gcount(), 0)));
    field_reader in{data};
    c.length = in.int32();
    c.ref = itf8(in);
    itf8(in), itf8(in);  // start, span
    c.records = itf8(in);
    ltf8(in), ltf8(in), itf8(in);  // record counter, bases, blocks
    const auto count = itf8(in);
    c.landmarks.clear();
    for (std::int64_t k = 0; k < count && !in.short_read; ++k) c.landmarks.push_back(itf8(in));
    const std::size_t header = in.at;
    const auto crc = in.take(4);
    c.header = static_cast<std::int64_t>(in.at);
    if (!in.short_read) {
      std::sort(c.landmarks.begin(), c.landmarks.end());
      return c.length >= 0 && count >= 0 &&
             crc == crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(header));
    }
    if (data.size() < want) return false;  // the file ends inside it
  }
  return false;
}

struct crai_slice {
  long line = 0;
  std::int64_t ref = 0, container = 0, slice = 0, size = 0;
};

// The slices of a .crai checked against the containers they name, in a CRAM 3 file: up to 64 of its
// containers, spread over the file (the first and the last among them). The .crai of another CRAM can
// place every slice inside this file; its offsets then miss this file's containers, or its slices do
// not fit them. And the file's first container of reads must be among them: an empty .crai (that of a
// CRAM of the same header and no read) or one that lacks it finds no read there. A problem, or an
// empty string.
std::string crai_container_problem(const std::string& cram, const std::vector<crai_slice>& slices) {
  std::ifstream file(cram, std::ios::binary);
  char definition[6] = {};
  if (!file.read(definition, sizeof definition) || std::string(definition, 4) != "CRAM" || definition[4] != 3)
    return {};  // CRAM 2.1 and 4 headers differ; reading the file says what is wrong with it otherwise
  std::vector<std::int64_t> containers;
  for (const auto& s : slices) containers.push_back(s.container);
  std::sort(containers.begin(), containers.end());
  containers.erase(std::unique(containers.begin(), containers.end()), containers.end());
  constexpr std::size_t most = 64;
  std::vector<std::int64_t> checked;
  for (std::size_t k = 0; k < std::min(most, containers.size()); ++k)
    checked.push_back(containers[containers.size() <= most ? k : k * (containers.size() - 1) / (most - 1)]);
  std::map<std::int64_t, std::optional<cram_container>> read;  // each container read once
  for (const auto& s : slices) {
    if (!std::binary_search(checked.begin(), checked.end(), s.container)) continue;
    const std::string at = "line " + std::to_string(s.line) + ": ";
    auto [it, fresh] = read.try_emplace(s.container);
    if (fresh) {
      cram_container header;
      if (read_container(file, static_cast<std::uint64_t>(s.container), header)) it->second = std::move(header);
    }
    if (!it->second) return at + "no CRAM container starts at byte " + std::to_string(s.container);
    const cram_container& c = *it->second;
    if (c.ref != -2 && c.ref != s.ref)
      return at + "a slice of reference " + std::to_string(s.ref) + " in a container of reference " + std::to_string(c.ref);
    if (!std::binary_search(c.landmarks.begin(), c.landmarks.end(), s.slice) || s.slice + s.size > c.length)
      return at + "a slice that is not one of its container's";
  }
  constexpr std::uint64_t file_definition = 26;  // "CRAM", the version, the file id
  cram_container sam_header, first;
  if (read_container(file, file_definition, sam_header)) {
    const auto at = static_cast<std::int64_t>(file_definition) + sam_header.header + sam_header.length;
    if (read_container(file, static_cast<std::uint64_t>(at), first) && first.records > 0 &&
        !std::binary_search(containers.begin(), containers.end(), at))
      return "it lists no slice of the first container of reads, at byte " + std::to_string(at);
  }
  return {};
}

// A CRAM's .crai (gzipped text, a line per slice: reference, start, span, container offset, slice
// offset, slice size) is trusted by htslib as it is: a slice placed past the file's end or on a
// reference the header lacks hides its reads without a word. So it is read line by line first: a
// problem found, or an empty string.
std::string crai_problem(const std::string& crai, const std::string& cram, const std::vector<std::int64_t>& lengths,
                         std::uint64_t cram_bytes) {
  bgzf_ptr fp(bgzf_open(crai.c_str(), "r"));
  if (!fp) return "cannot be read";
  kstring_t line = {0, 0, nullptr};
  std::string problem;
  std::vector<crai_slice> slices;
  int got = 0;
  for (long number = 1; problem.empty() && (got = read_line(fp.get(), &line)) >= 0; ++number) {
    std::istringstream fields(std::string(line.s, line.l));
    std::int64_t ref = 0, start = 0, span = 0, container = 0, slice = 0, size = 0;
    std::string extra;
    const std::string at = "line " + std::to_string(number) + ": ";
    const auto within = [&](std::int64_t v) { return v >= 0 && static_cast<std::uint64_t>(v) <= cram_bytes; };
    if (!(fields >> ref >> start >> span >> container >> slice >> size) || (fields >> extra))
      problem = at + "not 6 whole numbers";
    else if (ref < -2 || ref >= static_cast<std::int64_t>(lengths.size()))
      problem = at + "reference " + std::to_string(ref) + " is not in the header";
    else if (start < 0 || span < 0 || (ref >= 0 && start > lengths[static_cast<std::size_t>(ref)] + 1))
      problem = at + "a slice outside its reference";
    else if (!within(container) || !within(slice) || !within(size) ||
             static_cast<std::uint64_t>(container + slice + size) > cram_bytes)
      problem = at + "a slice outside the CRAM file";
    else
      slices.push_back({number, ref, container, slice, size});
  }
  if (problem.empty() && got < -1) problem = "damaged compression";
  std::free(line.s);
  return problem.empty() ? crai_container_problem(cram, slices) : problem;
}

}  // namespace dnafill::bio::detail
