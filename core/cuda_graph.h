// One step of device work replayed as a CUDA graph: a sampling step is one network call, one draw and
// one commit, some hundred kernel launches that the host would otherwise queue one by one at every
// step. Internal to core/ (torch-free header).
#pragma once

#include <functional>
#include <memory>

namespace dnafill::core {

// Runs `step` at every call. With `capture` (a CUDA device, LibTorch with CUDA), the first call runs
// it eagerly on a side stream (the warm-up a capture needs: cuBLAS workspaces, the allocator), the
// second captures it as a CUDA graph and replays it, and every later call replays it: the host queues
// one launch per step. So the step must be the same device work every time, over tensors that stay
// put, with no host synchronisation and no host code whose effect matters (it runs only twice);
// what changes between steps is written into those tensors before a call. Random numbers from
// LibTorch's CUDA generator are fresh at every replay. A failed capture throws std::runtime_error.
class replayable_step {
 public:
  replayable_step(std::function<void()> step, bool capture, int device_index);
  ~replayable_step();
  replayable_step(const replayable_step&) = delete;
  replayable_step& operator=(const replayable_step&) = delete;

  void operator()();
  bool captured() const;

 private:
  struct graph;
  std::function<void()> step_;
  std::unique_ptr<graph> graph_;  // null: eager
};

}  // namespace dnafill::core
