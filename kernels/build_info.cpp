// Whether this build compiled the CUDA kernels (DNAFILL_CUDA), for dispatch and for `dnafill info`.
#include "kernels/common.cuh"

namespace dnafill::kernels {

bool built_with_cuda() {
#ifdef DNAFILL_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

}  // namespace dnafill::kernels
