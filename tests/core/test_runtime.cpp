// core/runtime.h: how what LibTorch throws is told to a user, and the thread count.
#include <catch2/catch.hpp>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <thread>

#include "core/runtime.h"

using namespace dnafill;

TEST_CASE("what LibTorch throws reads as one line, a failed allocation as out of memory", "[runtime]") {
  // DefaultCPUAllocator's message, with a backtrace after it as LibTorch adds one.
  const std::runtime_error cpu(
      "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate "
      "8000000000 bytes. Error code 12 (Cannot allocate memory)\nframe #0: c10::ThrowEnforceNotMet");
  CHECK(core::describe_exception(cpu) == "out of memory: 8.0 GB more could not be had");
  CHECK(core::describe_exception(std::bad_alloc()) == "out of memory");
  CHECK(core::describe_exception(std::runtime_error("shape mismatch\nframe #0: at::native")) == "shape mismatch");
}

// More threads than cores only wait on one another: --threads 1024 on 2 cores ran 40x slower. A count
// above the cores is taken as the cores; 0 is all of them; 1 is 1.
TEST_CASE("threads: more than the cores are taken as the cores", "[runtime]") {
  const int before = core::thread_count();
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  core::set_threads(1024);
  CHECK(core::thread_count() <= cores);
  const int all = core::thread_count();
  core::set_threads(0);
  CHECK(core::thread_count() == all);
  core::set_threads(1);
  CHECK(core::thread_count() == 1);
  core::set_threads(before);
}
