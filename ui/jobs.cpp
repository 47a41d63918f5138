// The studio's model work: plain functions over core/ and data/, run on JobRunner's worker thread.
#include "ui/jobs.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

#include "core/batch.h"
#include "core/runtime.h"
#include "core/scoring.h"
#include "core/tokens.h"
#include "data/store.h"
#include "data/text_sinks.h"
#include "ui/document.h"
#include "ui/output_check.h"
#include "ui/text.h"

namespace dnafill::ui {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("dnafill::ui::jobs", text); }

}  // namespace

JobOutcome loadModelJob(JobContext& context, const QString& path, const QString& device, const QString& precision) {
  LoadedModel loaded;
  loaded.model = std::make_shared<core::mdm_model>();
  const std::string file = path.isEmpty() ? core::default_model_path() : path.toStdString();
  context.progress(0.0, tr("loading %1").arg(fromStd(file)));
  std::string where;
  if (auto s = core::load_for_inference(path.toStdString(), *loaded.model, device.toStdString(), precision.toStdString(), &where); !s)
    return JobOutcome::failed(fromStd(s.message()));
  const auto& config = loaded.model->config();
  loaded.path = fromStd(file);
  loaded.device = fromStd(where);
  loaded.precision = fromStd(core::inference_precision(*loaded.model));
  loaded.name = tr("%1 (%2 M parameters, context %3)")
                    .arg(fromStd(config.preset))
                    .arg(config.parameter_count() / 1e6, 0, 'f', 1)
                    .arg(config.context_length);
  return JobOutcome::done(loaded);
}

JobOutcome designJob(JobContext& context, const DesignRequest& request) {
  if (!request.model || !request.model->loaded()) return JobOutcome::failed(tr("no model is loaded"));
  if (request.holes.empty()) return JobOutcome::failed(tr("nothing to design: mask a region first"));
  if (auto s = request.options.validate(*request.model); !s) return JobOutcome::failed(fromStd(s.message()));
  data::store store;
  if (auto s = store.open(request.storePath); !s) return JobOutcome::failed(fromStd(s.message()));
  data::run_record run;
  if (auto s = core::make_run_record(*request.model, request.kind, request.options, request.extra, request.inputPath, run); !s)
    return JobOutcome::failed(fromStd(s.message()));
  // A record of the document draws from its own seed, as infill's records do; a new one from the seed.
  const auto seed = request.kind == "infill" ? core::record_seed(request.options.sampler.seed, request.recordIndex)
                                             : request.options.sampler.seed;
  core::job_item item{{request.recordIndex, 0}, request.record, request.bases, 0, request.holes, seed};
  core::item_list items({item}, 1, request.options.variants);
  data::run_sink recorder(store, /*resume=*/false);
  data::memory_sink memory;
  data::fan_out_sink sink({&recorder, &memory});
  DesignResult result;
  auto progress = [&](const core::job_progress& p) {
    context.progress(core::fraction_done(p), tr("%1 variants of %2 bases  %3")
                                          .arg(request.options.variants)
                                          .arg(bio::covered_bases(request.holes))
                                          .arg(fromStd(core::format_duration(p.seconds))));
  };
  auto s = core::run_job(*request.model, items, request.options, run, sink, context.cancelFlag(), progress,
                         result.summary, context.cancelFlag());
  result.runId = recorder.run_id();
  result.designs = std::move(memory.designs);
  const auto kept = store.check_run_kept(result.runId);  // the results table reads them from the store
  store.close();
  if (!s) return JobOutcome::failed(fromStd(s.message()));
  if (!kept) return JobOutcome::failed(fromStd(kept.message()));
  if (result.summary.status == data::run_status::cancelled)
    return {JobOutcome::Status::Cancelled, tr("cancelled: run %1 is recorded as cancelled").arg(result.runId), result};
  return JobOutcome::done(result);
}

JobOutcome batchJob(JobContext& context, const BatchRequest& request) {
  if (!request.model || !request.model->loaded()) return JobOutcome::failed(tr("no model is loaded"));
  if (request.storePath.empty()) return JobOutcome::failed(tr("store: a batch needs a store to resume from"));
  if (!request.fastaOut.empty()) {
    auto kept = storeFiles(request.storePath);
    keepInput(kept, request.input, tr("the input file"));
    keepInput(kept, request.cramReference, tr("the CRAM reference"));
    if (request.openFile != request.input) keepInput(kept, request.openFile, tr("the file open in the window"));
    kept.push_back({request.model->path(), tr("the model")});
    bio::mask_spec mask;
    if (bio::parse_mask_spec(request.mask, mask) && mask.from == bio::mask_spec::source::bed)
      kept.push_back({mask.bed_path, tr("the BED file of the mask")});
    if (const QString problem = overwrites(request.fastaOut, kept); !problem.isEmpty())
      return JobOutcome::failed(tr("FASTA output: ") + problem);
  }
  // Checked again by prepare_batch; first here, so that options refused make no new store.
  if (auto s = request.options.validate(*request.model); !s) return JobOutcome::failed(fromStd(s.message()));
  data::store store;
  if (auto s = store.open(request.storePath); !s) return JobOutcome::failed(fromStd(s.message()));
  context.progress(0.0, tr("reading %1").arg(fromStd(request.input)));
  core::batch_request batch{request.input, request.mask, sourceOptions(request.input, request.cramReference)};
  batch.source.alignments.primary_only = request.primaryOnly;
  batch.source.alignments.min_mapq = request.minMapq;
  core::batch_items items;
  data::run_record run;
  if (auto s = core::prepare_batch(*request.model, batch, request.options, items, run); !s)
    return JobOutcome::failed(fromStd(s.message()));
  data::run_sink recorder(store, /*resume=*/true);
  core::constraint_tally tally;
  std::vector<data::design_sink*> sinks = {&recorder, &tally};
  std::unique_ptr<data::fasta_sink> fasta;
  if (!request.fastaOut.empty()) sinks.push_back((fasta = std::make_unique<data::fasta_sink>(request.fastaOut)).get());
  data::fan_out_sink sink(sinks);
  BatchResult result;
  auto progress = [&](const core::job_progress& p) { context.progress(core::fraction_done(p), fromStd(core::describe_progress(p))); };
  auto s = core::run_job(*request.model, items, request.options, run, sink, context.cancelFlag(), progress,
                         result.summary, context.cancelFlag());
  result.runId = recorder.run_id();
  result.resumed = recorder.resumed();
  result.constraints = tally.summary;
  const auto kept = store.check_run_kept(result.runId);
  store.close();
  if (!s) return JobOutcome::failed(fromStd(s.message()));
  if (!kept) return JobOutcome::failed(fromStd(kept.message()));
  if (result.summary.status == data::run_status::cancelled)
    return {JobOutcome::Status::Cancelled,
            tr("cancelled: run %1 keeps %2 designs; start the same batch again to resume it")
                .arg(result.runId)
                .arg(result.summary.progress.designs_done),
            result};
  return JobOutcome::done(result);
}

JobOutcome confidenceJob(JobContext& context, const std::shared_ptr<core::mdm_model>& model, const std::string& bases,
                         bool bothStrands) {
  if (!model || !model->loaded()) return JobOutcome::failed(tr("no model is loaded"));
  ConfidenceResult result;
  result.bases = bases;
  result.bothStrands = bothStrands;
  core::confidence_options options;
  options.rc_ensemble = bothStrands;
  auto progress = [&](std::int64_t done, std::int64_t total) {
    context.progress(static_cast<double>(done) / std::max<std::int64_t>(1, total), tr("model confidence"));
    return !context.cancelled();
  };
  if (auto s = core::base_confidence(*model, core::encode(bases), options, result.probability, progress); !s)
    return context.cancelled() ? JobOutcome::cancelled() : JobOutcome::failed(fromStd(s.message()));
  return JobOutcome::done(result);
}

}  // namespace dnafill::ui
