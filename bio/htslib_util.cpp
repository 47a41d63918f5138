// Private helpers shared by the bio/ readers and writers (see htslib_util.h).
#include "bio/htslib_util.h"

#include <htslib/hts_log.h>

#include <mutex>

namespace dnafill::bio::detail {

void silence_htslib_log() {
  static std::once_flag once;
  std::call_once(once, [] { hts_set_log_level(HTS_LOG_OFF); });
}

}  // namespace dnafill::bio::detail
