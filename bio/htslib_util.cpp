// Private helpers shared by the bio/ readers and writers (see htslib_util.h).
#include "bio/htslib_util.h"

#include <htslib/hfile.h>
#include <htslib/hts_log.h>

#include <cstdlib>
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

bool lacks_eof_block(BGZF* fp) { return bgzf_compression(fp) == bgzf && bgzf_check_EOF(fp) == 0; }

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

}  // namespace dnafill::bio::detail
