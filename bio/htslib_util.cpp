// Private helpers shared by the bio/ readers and writers (see htslib_util.h).
#include "bio/htslib_util.h"

#include <htslib/hts_log.h>

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

}  // namespace dnafill::bio::detail
