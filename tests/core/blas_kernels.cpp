// The tests run on the BLAS kernels dnafill itself chooses (core/runtime.h), before any test: a
// static object's constructor runs after the shared libraries' own (OpenBLAS picks its kernels there).
#include "core/runtime.h"

namespace {

const bool chosen = [] {
  dnafill::core::choose_blas_kernels();
  return true;
}();

}  // namespace
