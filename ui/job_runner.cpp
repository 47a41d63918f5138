// JobRunner: a QThread with a worker object; jobs are queued calls into its event loop.
#include "ui/job_runner.h"

#include <QMetaObject>

#include <exception>

#include "core/runtime.h"

namespace dnafill::ui {

void JobContext::progress(double fraction, const QString& detail) {
  const auto now = std::chrono::steady_clock::now();
  const bool first = last_ == std::chrono::steady_clock::time_point{};
  if (!first && fraction < 1.0 && now - last_ < std::chrono::milliseconds(50)) return;
  last_ = now;
  Q_EMIT runner_->jobProgress(id_, fraction, detail);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  qRegisterMetaType<dnafill::ui::JobOutcome>();
  thread_.setObjectName(QStringLiteral("dnafill model worker"));
  worker_ = new QObject;
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.start();
}

JobRunner::~JobRunner() {
  cancelAll();
  thread_.quit();
  thread_.wait();
}

quint64 JobRunner::submit(const QString& title, Work work) {
  auto job = std::make_shared<Job>();
  job->title = title;
  job->work = std::move(work);
  job->cancel = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job->id = nextId_++;
    jobs_[job->id] = job;
  }
  QMetaObject::invokeMethod(worker_, [this, job] { run(job); }, Qt::QueuedConnection);
  return job->id;
}

void JobRunner::cancel(quint64 id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  it->second->cancel->store(true);
  if (it->second->started) return;
  jobs_.erase(it);  // run() passes over it when its turn comes
  QMetaObject::invokeMethod(this, [this, id] { Q_EMIT jobFinished(id, JobOutcome::cancelled()); }, Qt::QueuedConnection);
}

void JobRunner::cancelAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, job] : jobs_) job->cancel->store(true);
}

void JobRunner::run(const std::shared_ptr<Job>& job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (jobs_.find(job->id) == jobs_.end()) {  // cancelled while queued: reported finished then
      job->work = nullptr;
      return;
    }
    job->started = true;
  }
  JobOutcome outcome;
  if (job->cancel->load()) {
    outcome = JobOutcome::cancelled();
  } else {
    Q_EMIT jobStarted(job->id, job->title);
    JobContext context;
    context.runner_ = this;
    context.id_ = job->id;
    context.cancel_ = job->cancel;
    try {
      outcome = job->work(context);
    } catch (const std::exception& e) {  // LibTorch reports some failures by throwing: a message, not a crash
      outcome = JobOutcome::failed(QString::fromStdString(dnafill::core::describe_exception(e)));
    } catch (...) {
      outcome = JobOutcome::failed(tr("%1: unexpected error").arg(job->title));
    }
    if (outcome.status == JobOutcome::Status::Failed && job->cancel->load()) outcome = JobOutcome::cancelled();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.erase(job->id);
  }
  job->work = nullptr;  // release what the job captured (a model, a sequence) here, not in the GUI thread
  Q_EMIT jobFinished(job->id, outcome);
}

}  // namespace dnafill::ui
