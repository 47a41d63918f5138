// CUDA-graph replay of a device step, where LibTorch has CUDA; elsewhere every call runs the step.
#include "core/cuda_graph.h"

#include <stdexcept>
#include <string>

#ifdef DNAFILL_TORCH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/Exception.h>
#endif

namespace dnafill::core {

#ifdef DNAFILL_TORCH_CUDA

struct replayable_step::graph {
  explicit graph(int device) : side(c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device))) {}
  c10::cuda::CUDAStream side;  // capture needs a stream other than the default one
  at::cuda::CUDAGraph cuda_graph;
  int calls = 0;
  bool captured = false;
};

namespace {

// Work queued on `waiter` from now on starts only after what is queued on `first` so far.
void order_after(const c10::cuda::CUDAStream& first, const c10::cuda::CUDAStream& waiter) {
  at::cuda::CUDAEvent event;
  event.record(first);
  event.block(waiter);
}

}  // namespace

replayable_step::replayable_step(std::function<void()> step, bool capture, int device_index) : step_(std::move(step)) {
  if (capture) graph_ = std::make_unique<graph>(device_index);
}

void replayable_step::operator()() {
  if (!graph_) return step_();
  auto& g = *graph_;
  if (!g.captured) {
    // The warm-up and the capture run on the side stream, ordered after (and before) the work of the
    // caller's stream, where the replays go.
    const auto current = c10::cuda::getCurrentCUDAStream(g.side.device_index());
    order_after(current, g.side);
    {
      c10::cuda::CUDAStreamGuard on_side(g.side);
      if (g.calls++ == 0) {
        step_();
      } else {
        try {
          g.cuda_graph.capture_begin();
          step_();
          g.cuda_graph.capture_end();
        } catch (const c10::Error& e) {
          throw std::runtime_error(std::string("CUDA graph capture of the sampling step failed (run without "
                                               "--cuda-graph): ") + e.what_without_backtrace());
        }
        g.captured = true;
      }
    }
    order_after(g.side, current);
    if (!g.captured) return;  // the warm-up was this call's step
  }
  g.cuda_graph.replay();
}

bool replayable_step::captured() const { return graph_ && graph_->captured; }

#else  // a LibTorch without CUDA: no device to capture on

struct replayable_step::graph {};

replayable_step::replayable_step(std::function<void()> step, bool, int) : step_(std::move(step)) {}

void replayable_step::operator()() { step_(); }

bool replayable_step::captured() const { return false; }

#endif

replayable_step::~replayable_step() = default;

}  // namespace dnafill::core
