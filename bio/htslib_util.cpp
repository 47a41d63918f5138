// Private helpers shared by the bio/ readers and writers (see htslib_util.h).
#include "bio/htslib_util.h"

#include <htslib/hfile.h>
#include <htslib/hts_log.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <mutex>

namespace dnafill::bio::detail {

void silence_htslib_log() {
  static std::once_flag once;
  std::call_once(once, [] { hts_set_log_level(HTS_LOG_OFF); });
}

int read_line(BGZF* fp, kstring_t* line) {
  const int n = bgzf_getline(fp, '\n', line);
  if (n < -1 || fp->errcode != 0) return -2;
  return n;
}

std::string compressed_data_problem(const std::string& path, long lines_read) {
  if (lines_read == 0) return path + ": cannot read: truncated or corrupt compressed data";
  return path + ": truncated or corrupt compressed data after line " + std::to_string(lines_read) +
         " (the break may lie further on)";
}

bool lacks_eof_block(BGZF* fp) { return bgzf_compression(fp) == bgzf && bgzf_check_EOF(fp) == 0; }

std::int64_t plain_gzip_after_blocks(const std::string& path) {
  // The blocks are walked by their sizes (BSIZE), one header read each.
  std::ifstream in(path, std::ios::binary);
  std::int64_t offset = 0;
  unsigned char h[18];
  while (in.read(reinterpret_cast<char*>(h), sizeof h)) {
    if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8) return -1;  // not gzip: not the case this names
    const bool bgzf_block = (h[3] & 4) != 0 && h[10] == 6 && h[11] == 0 && h[12] == 'B' && h[13] == 'C' && h[14] == 2 && h[15] == 0;
    if (!bgzf_block) return offset > 0 ? offset : -1;  // a plain gzip file is not this case
    offset += (h[16] | (h[17] << 8)) + 1;  // BSIZE: the block's size less one
    in.seekg(offset);
  }
  return -1;
}

bool detect_format(const std::string& path, htsFormat& format) {
  format = htsFormat{};
  hFILE* hf = hopen(path.c_str(), "r");
  if (!hf) return false;
  const int detected = hts_detect_format2(hf, path.c_str(), &format);
  hclose_abruptly(hf);
  return detected >= 0;
}

std::string non_sequence_format(const htsFormat& format) {
  if (format.category != variant_data && format.category != index_file && format.category != region_list) return {};
  char* description = hts_format_description(&format);
  std::string what = description ? description : "non-sequence data";
  std::free(description);
  return what;
}

const char* refused_format(std::string_view first) {
  if (first.substr(0, 4) == "BAM\x01") return "BAM";
  // CRAM's magic is followed by its major version, a byte from 1 to 4 (a BED line on contig CRAMP1 is not).
  if (first.size() > 4 && first.substr(0, 4) == "CRAM" && first[4] >= 1 && first[4] <= 4) return "CRAM";
  if (first.size() > 4 && first[0] == '@' && first[3] == '\t' &&
      std::string_view("@HD@SQ@RG@PG@CO").find(first.substr(0, 3)) != std::string_view::npos)
    return "SAM";
  if (first.substr(0, 2) == "\x1f\x8b") return "gzip";
  return nullptr;
}

}  // namespace dnafill::bio::detail
