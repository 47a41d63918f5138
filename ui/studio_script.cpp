// StudioScript: a chain of MainWindow slots, each step started by the signal that ends the last.
#include "ui/studio_script.h"

#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QPixmap>
#include <QTableView>
#include <QTextStream>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "bio/output_file.h"

#include "ui/design_panel.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/sequence_view.h"

namespace dnafill::ui {
namespace {

// The picture is encoded whole in memory, then written under another name and renamed over the file
// (bio::output_file): a failed write, a full disk, leaves the file there as it was. (QSaveFile renamed
// a PNG cut short by ENOSPC over the old picture, and said nothing.) Why it failed, or "".
QString saveScreenshot(const QPixmap& shot, const QString& path) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
  if (!buffer.open(QIODevice::WriteOnly) || !shot.save(&buffer, format.constData()))
    return QObject::tr("the picture cannot be encoded as %1").arg(QString::fromLatin1(format));
  bio::output_file out;
  if (auto s = out.begin(path.toStdString()); !s) return QString::fromStdString(s.message());
  errno = 0;
  std::FILE* file = std::fopen(out.name().c_str(), "wb");
  bool written = file && std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), file) ==
                             static_cast<std::size_t>(bytes.size());
  written = file && std::fclose(file) == 0 && written;  // a full disk may say so only here
  if (!written) {
    const QString why = QString::fromLocal8Bit(std::strerror(errno ? errno : EIO));
    out.drop();
    return why;
  }
  if (auto s = out.commit(); !s) return QString::fromStdString(s.message());
  return {};
}

}  // namespace

StudioScript::StudioScript(MainWindow* window, ScriptOptions options, QObject* parent)
    : QObject(parent), window_(window), options_(std::move(options)) {
  timeout_.setSingleShot(true);
  connect(&timeout_, &QTimer::timeout, this, [this] { done(1, tr("timed out after %1 s").arg(options_.timeoutSeconds)); });
  connect(window_, &MainWindow::documentOpened, this, &StudioScript::opened);
  connect(window_, &MainWindow::openFailed, this, [this](const QString& message) { done(1, message, true); });
  connect(window_, &MainWindow::modelLoaded, this, [this] {
    modelReady_ = true;
    maybeGenerate();
  });
  connect(window_, &MainWindow::designFinished, this, &StudioScript::designed);
  // Any error a person would see ends the script with it.
  connect(window_, &MainWindow::errorShown, this, [this](const QString& message) { done(1, message, true); });
}

void StudioScript::start() {
  timeout_.start(options_.timeoutSeconds * 1000);
  modelReady_ = window_->modelReady();
  if (!options_.open.isEmpty()) window_->openFileRegion(options_.open, options_.region);
  else settle();
}

void StudioScript::opened() {
  if (documentReady_) return;
  documentReady_ = true;
  // What only the file can tell: the record is there, the selection lies in it.
  const auto& records = window_->document().records;
  if (options_.record >= static_cast<int>(records.size()))
    return done(1, window_->document().truncated
                       ? tr("--record %1: the studio reads the first %2 records of %3 (use dnafill batch for more)")
                             .arg(options_.record + 1)
                             .arg(records.size())
                             .arg(options_.open)
                       : tr("--record %1: %2 holds %3 record(s)").arg(options_.record + 1).arg(options_.open).arg(records.size()));
  window_->setCurrentRecord(options_.record);
  auto* view = window_->sequenceView();
  if (options_.selectEnd > 0) {
    // Numbered as the ruler numbers the record: a region of a FASTA as in its contig.
    const auto& record = records[static_cast<std::size_t>(options_.record)];
    const qint64 first = view->firstPosition(), last = first - 1 + static_cast<qint64>(record.bases.size());
    if (options_.selectStart < first || options_.selectEnd > last)
      return done(1, tr("--select %1-%2: outside record '%3', whose bases are %4-%5")
                         .arg(options_.selectStart)
                         .arg(options_.selectEnd)
                         .arg(QString::fromStdString(record.name))
                         .arg(first)
                         .arg(last));
    view->setSelection(options_.selectStart - first, options_.selectEnd - first + 1);
  }
  if (options_.mask == QLatin1String("selection")) window_->maskSelection();
  else if (options_.mask == QLatin1String("lowercase")) window_->maskLowercase();
  else if (options_.mask == QLatin1String("N")) window_->maskN();
  if (!options_.mask.isEmpty() && records[static_cast<std::size_t>(options_.record)].masks.empty())
    return done(1, tr("--mask %1: record '%2' has no %3 bases")
                       .arg(options_.mask, QString::fromStdString(records[static_cast<std::size_t>(options_.record)].name),
                            options_.mask == QLatin1String("N") ? tr("N (unknown)") : tr("lowercase")));
  if (options_.generate) maybeGenerate();
  else settle();
}

void StudioScript::maybeGenerate() {
  if (!options_.generate || generated_ || !documentReady_ || !modelReady_) return;
  generated_ = true;
  window_->infill();
}

void StudioScript::designed(qint64, int status) {
  if (status != static_cast<int>(JobOutcome::Status::Done)) return done(1, tr("the design did not finish"));
  const int rows = window_->resultsModel()->rowCount();
  if (options_.showVariant > rows)
    return done(1, tr("--show-variant %1: the run made %2 variant(s)").arg(options_.showVariant).arg(rows));
  window_->resultsView()->selectRow(options_.showVariant - 1);
  settle();
}

// Waits for the confidence track of what is shown (when it is computed at all), then a moment for
// the last paint, and takes the screenshot.
void StudioScript::settle() {
  if (!window_->modelReady()) {  // the confidence track needs the model
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(window_, &MainWindow::modelLoaded, this, [this, connection] {
      QObject::disconnect(*connection);
      settle();
    });
    return;
  }
  auto finish = [this] {
    QTimer::singleShot(400, this, [this] {
      if (!options_.screenshot.isEmpty()) {
        const QPixmap shot = window_->grab();
        if (const QString problem = saveScreenshot(shot, options_.screenshot); !problem.isEmpty())
          return done(1, tr("--screenshot: cannot write %1: %2").arg(options_.screenshot, problem));
        QTextStream(stdout) << "screenshot: " << options_.screenshot << " (" << shot.width() << "x" << shot.height() << ")\n";
      }
      done(0);  // the steps are over (the timeout stops; the window quits only when it ends)
    });
  };
  if (window_->modelReady() && !window_->sequenceView()->sequence().empty() && !window_->sequenceView()->hasConfidence() &&
      static_cast<std::int64_t>(window_->sequenceView()->sequence().size()) <= MainWindow::autoConfidenceLimit) {
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(window_, &MainWindow::confidenceReady, this, [connection, finish] {
      QObject::disconnect(*connection);
      finish();
    });
    window_->computeConfidence();
    return;
  }
  finish();
}

void StudioScript::done(int code, const QString& message, bool shown) {
  if (finished_) return;  // one failure can be signalled twice (openFailed, then errorShown): said once
  finished_ = true;
  timeout_.stop();
  if (!message.isEmpty()) QTextStream(stderr) << "dnafill-studio: " << message << "\n";
  if (!message.isEmpty() && !shown && !endsWindow()) window_->showError(tr("Command line"), message);
  exitCode_ = code;
  Q_EMIT finished(code);
}

}  // namespace dnafill::ui
