// JobRunner: the one worker thread where all model work of the studio runs (a model is used by one
// thread at a time), one job after another, with progress and cancellation. The GUI thread only
// submits work and receives signals; it never waits, except in the destructor, which cancels
// everything and waits for the job in hand to stop at its next network call.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include <any>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace dnafill::ui {

// How a job ended, and what it produced (a payload the submitter knows the type of).
struct JobOutcome {
  enum class Status { Done, Failed, Cancelled };
  Status status = Status::Done;
  QString message;  // why it failed or was cancelled; may be empty when done
  std::any payload;

  static JobOutcome done(std::any payload = {}) { return {Status::Done, {}, std::move(payload)}; }
  static JobOutcome failed(QString message) { return {Status::Failed, std::move(message), {}}; }
  static JobOutcome cancelled(QString message = QStringLiteral("cancelled")) {
    return {Status::Cancelled, std::move(message), {}};
  }
};

class JobRunner;

// What a job sees while it runs (on the worker thread).
class JobContext {
 public:
  // The flag core's callbacks and run_job read: set by JobRunner::cancel.
  const std::atomic<bool>* cancelFlag() const { return cancel_.get(); }
  bool cancelled() const { return cancel_->load(); }
  // Thread-safe; at most ~20 reports a second reach the GUI (the first and the last always do).
  void progress(double fraction, const QString& detail = {});

 private:
  friend class JobRunner;
  JobRunner* runner_ = nullptr;
  quint64 id_ = 0;
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::chrono::steady_clock::time_point last_{};
};

class JobRunner : public QObject {
  Q_OBJECT
 public:
  using Work = std::function<JobOutcome(JobContext&)>;

  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  // Queues `work`; returns its id (never 0). Exceptions escaping `work` become a failed outcome.
  quint64 submit(const QString& title, Work work);
  // Asks a job to stop: a running one stops at its next callback; a queued one never starts, and is
  // reported finished (cancelled) at once from the event loop, not when its turn comes behind the jobs
  // before it (a batch may take hours).
  void cancel(quint64 id);
  void cancelAll();

 Q_SIGNALS:
  void jobStarted(quint64 id, const QString& title);
  void jobProgress(quint64 id, double fraction, const QString& detail);
  void jobFinished(quint64 id, const dnafill::ui::JobOutcome& outcome);

 private:
  friend class JobContext;
  struct Job {
    quint64 id;
    QString title;
    Work work;
    std::shared_ptr<std::atomic<bool>> cancel;
    bool started = false;  // guarded by mutex_
  };
  void run(const std::shared_ptr<Job>& job);  // on the worker thread

  QThread thread_;
  QObject* worker_ = nullptr;  // lives in thread_; queued calls run there in order
  mutable std::mutex mutex_;   // guards jobs_ and nextId_
  std::map<quint64, std::shared_ptr<Job>> jobs_;
  quint64 nextId_ = 1;
};

}  // namespace dnafill::ui

Q_DECLARE_METATYPE(dnafill::ui::JobOutcome)
