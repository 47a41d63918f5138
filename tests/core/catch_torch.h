// Catch2 for test files that use torch: include this first, instead of <catch2/catch.hpp>.
// c10 (logging_is_not_google_glog.h) defines a glog-style CHECK(condition) that aborts on failure and
// is never counted; included after Catch it silently replaces Catch's CHECK. Torch first, its CHECK
// dropped, then Catch: CHECK is Catch's again.
#pragma once

#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>
