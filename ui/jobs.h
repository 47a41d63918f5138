// The model work of the studio as plain functions run by JobRunner on its worker thread: loading a
// model, a design (infill of the working record's holes, or a new sequence), a batch over a file, and
// the per-base confidence track. Each calls the same core/ functions as the command line and records
// runs in the same store; each reports progress and stops when its context is cancelled.
#pragma once

#include <QString>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bio/mask.h"
#include "core/checkpoint.h"
#include "core/design.h"
#include "core/job.h"
#include "data/records.h"
#include "ui/job_runner.h"

namespace dnafill::ui {

// A loaded model, shared by the jobs that use it (all on the one worker thread).
struct LoadedModel {
  std::shared_ptr<core::mdm_model> model;
  QString path;
  QString device;  // "cpu" or "cuda"
  QString precision;  // the network's arithmetic as set: "fp32" or "bf16"
  QString name;    // "small (1.9 M parameters, context 1024)"
};

// Loads `path` (empty: the shipped default) onto `device` ("auto", "cpu", "cuda"), its network to run
// in `precision` ("fp32", "bf16", "auto": bf16 on a GPU). Payload: LoadedModel.
JobOutcome loadModelJob(JobContext& context, const QString& path, const QString& device, const QString& precision);

struct DesignRequest {
  std::shared_ptr<core::mdm_model> model;
  std::string storePath;                 // the SQLite store the run is recorded in (created when missing)
  std::string kind = "infill";           // "infill" or "generate"
  std::string record;                    // the record's name
  std::int64_t recordIndex = 0;          // its position in the document
  std::string bases;                     // what the model sees: the working record (generate: N x length)
  std::vector<bio::interval> holes;      // merged, inside the record
  core::design_options options;          // the sampler and the constraints (enforced, every design checked)
  std::string inputPath;                 // recorded as the run's input; empty: none
  nlohmann::json extra;  // recorded in the run's parameters (an object)
};

struct DesignResult {
  std::int64_t runId = 0;
  core::job_summary summary;
  std::vector<data::design_record> designs;
};

// Runs the design as a recorded run (run_job into the store and memory). Payload: DesignResult, also
// when cancelled (a cancelled run is recorded as such).
JobOutcome designJob(JobContext& context, const DesignRequest& request);

struct BatchRequest {
  std::shared_ptr<core::mdm_model> model;
  std::string input;      // FASTA/FASTQ/SAM/BAM/CRAM
  std::string cramReference;  // a FASTA that decodes a CRAM input; empty: none (or the CRAM's own)
  bool primaryOnly = false;   // SAM/BAM/CRAM: skip secondary and supplementary alignments (--primary)
  int minMapq = 0;            // SAM/BAM/CRAM: skip alignments with a lower MAPQ (--min-mapq)
  std::string mask;       // lowercase | N | bed:FILE
  std::string storePath;  // the run is resumed from here when the same batch was interrupted
  std::string fastaOut;   // optional FASTA of the designed regions
  std::string openFile;   // the file open in the window: fastaOut may not land on it
  core::design_options options;
};

struct BatchResult {
  std::int64_t runId = 0;
  bool resumed = false;
  core::job_summary summary;
  core::constraint_summary constraints;  // of every design of the run, those a resumed run found done included
};

// The same batch as `dnafill batch` (core::batch_items, a resumable run_sink): the same options on the
// same file and store resume the same run, whichever of the two started it. Progress detail:
// "records 3/10  designs 24/80  0.52/s  ETA 35s" (core::describe_progress). Payload: BatchResult.
JobOutcome batchJob(JobContext& context, const BatchRequest& request);


struct ConfidenceResult {
  std::string bases;            // what was scored
  std::vector<double> probability;  // per base, NaN for N
  bool bothStrands = false;     // read from both strands averaged (the panel's "Both strands")
};

// core::base_confidence over `bases`, from both strands when `bothStrands`. Payload: ConfidenceResult.
JobOutcome confidenceJob(JobContext& context, const std::shared_ptr<core::mdm_model>& model, const std::string& bases,
                         bool bothStrands);

}  // namespace dnafill::ui
