// MainWindow of dnafill-studio: the document (records of an opened file), the sequence view, the
// design panel, the results of a run and the history of runs from the store, the batch dialog; the
// model and every job on JobRunner's worker thread. The GUI thread never waits for model work; errors
// come up as message boxes that do not block; settings persist in QSettings.
#pragma once

#include <QFutureWatcher>
#include <QMainWindow>
#include <QPointer>

#include <atomic>
#include <cstdint>
#include <map>

#include "data/records.h"
#include "ui/document.h"
#include "ui/jobs.h"
#include "ui/sequence_view.h"

class QAction;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;
class QToolButton;
class QUndoStack;

namespace dnafill::ui {

class BatchDialog;
class DesignPanel;
class HistoryModel;
class JobRunner;
class ResultsModel;

// Enzyme and motif sites found in the shown bases (off the GUI thread).
struct SiteSearch {
  std::string bases;
  std::vector<SequenceView::Site> sites;
};

// What the command line of dnafill-studio (or a test) sets; empty fields come from QSettings.
struct StudioOptions {
  QString modelPath;   // a checkpoint; empty: the last one used, else the shipped default
  QString device;      // auto | cpu | cuda; empty: the last one used, else auto
  QString netPrecision;  // fp32 | bf16 | auto (the network's arithmetic); empty: the last one used, else auto
  QString storePath;   // the SQLite store; empty: the last one used, else designs.sqlite in the app's data folder
  QString cramReference;  // a FASTA that decodes CRAM files (opened and batched); empty: the last one set
  bool restoreWindow = true;  // geometry and dock layout from the last session
  bool keepSettings = true;   // false: a run the command line scripts to its end (--quit, --screenshot)
                              // leaves the person's settings and recent files as they were
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // Records up to this many bases get their confidence track when shown (View menu); longer ones on
  // request (Ctrl+K): the small model on 2 CPU cores takes ~4 s for 1 kb and ~30 s for 5 kb.
  static constexpr std::int64_t autoConfidenceLimit = 5000;

  explicit MainWindow(const StudioOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a file: probes it, asks for a region when it is indexed, reads it off the GUI thread.
  void openFile(const QString& path);
  // Opens `region` of a file ("" = all of it) without asking.
  // False when it did not start (a read under way, unsaved edits kept): nothing will be reported.
  bool openFileRegion(const QString& path, const QString& region);

  const Document& document() const { return document_; }
  int currentRecord() const { return record_; }
  void setCurrentRecord(int index);
  QString storePath() const { return storePath_; }
  void setStorePath(const QString& path);
  // The FASTA that decodes CRAM files whose reference is neither embedded nor found by REF_PATH, for
  // what is opened and batched next (the File menu's "CRAM reference..."); kept in the settings.
  QString cramReference() const { return cramReference_; }
  void setCramReference(const QString& path) { cramReference_ = path; }
  bool modelReady() const { return model_.model != nullptr; }
  const LoadedModel& model() const { return model_; }
  bool designRunning() const { return designJob_ != 0; }
  int shownDesignRow() const { return shownDesign_; }  // -1: the working sequence is shown
  qint64 lastRunId() const { return lastRunId_; }

  SequenceView* sequenceView() const { return view_; }
  DesignPanel* designPanel() const { return panel_; }
  ResultsModel* resultsModel() const { return results_; }
  HistoryModel* historyModel() const { return history_; }
  QTableView* resultsView() const { return resultsView_; }
  QTableView* historyView() const { return historyView_; }
  QUndoStack* undoStack() const { return undo_; }
  JobRunner* jobRunner() const { return runner_; }
  BatchDialog* batchDialog();
  QLabel* modelLabel() const { return modelLabel_; }
  QLabel* deviceLabel() const { return deviceLabel_; }
  QSpinBox* selectionStartBox() const { return selStart_; }
  QSpinBox* selectionEndBox() const { return selEnd_; }

  // Used by the undo commands: puts a record's bases and masks back as they were.
  void setRecordState(int record, const std::string* bases, const std::vector<bio::interval>& masks);

 public Q_SLOTS:
  void openFileDialog();
  void loadModel(const QString& path, const QString& device);
  void maskSelection();
  void unmaskSelection();
  void maskLowercase();
  void maskN();
  void clearMasks();
  void copySelection();  // Ctrl+C: the selected cells of the table with the focus, else the selected bases
  void infill();  // the Generate button: K variants of the masked holes of the open record
  void generateNew(qint64 length, const QString& name);
  void cancelJobs();
  void showDesign(int row);  // a row of the results model
  void showWorkingSequence();
  void acceptShownDesign();
  bool exportSelectedDesigns(const QString& path);
  // The working records, accepted variants in them, as FASTA to `path`; false (with an error dialog)
  // when it would destroy a file of the session or of another kind.
  bool saveWorkingRecords(const QString& path);
  void computeConfidence();
  void openBatchDialog();
  void reopenRun(qint64 runId);
  void refreshHistory();
  void showError(const QString& title, const QString& message);

 Q_SIGNALS:
  void documentOpened(const QString& path);
  void openFailed(const QString& message);
  void modelLoaded(const QString& name, const QString& device);
  void designFinished(qint64 runId, int status);  // JobOutcome::Status as an int
  void confidenceReady();
  void errorShown(const QString& message);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QString useStore(const QString& path);  // setStorePath's work; the problem to say, or ""
  bool storeChangeRefused();              // while a design runs; says so
  bool maskRefusedOnDesign();             // a design of a record not open is shown; says so
  QString positionsText(const bio::interval& bases) const;  // "1,101-1,200": as the ruler numbers them
  void leaveShownDesign();                // the results were reset: the working sequence, or nothing, shown
  void showNoRecord();                    // an empty view, nothing to mask
  void dropUngeneratedRecord();           // after a Generate new that failed or was cancelled
  QString brokenAfterAccept(const data::design_record& d, const WorkingRecord& r) const;  // a rule it breaks in r now
  void buildActions();
  void buildFileMenu();
  void buildEditMenu();
  void buildViewMenu();
  void buildModelMenu();
  bool saveWorkingSequence();  // asks for the FASTA, then saveWorkingRecords; false when not saved
  bool hasUnsavedEdits() const;   // accepted variants in the working records since they were read or saved
  bool undoNamesRecord(int record) const;  // a command on the undo stack, done or undone, edits record
  bool mayDropWorkingRecords(const QString& action);  // true when none, or the person says so
  bool refusedAsUnnamable(const QString& path);  // a name not UTF-8, said (and openFailed): true
  void restoreHoles(qint64 runId, const std::string& parameters);  // a re-opened studio run's holes, masked again
  void exportSelectedDialog();  // asks for the FASTA, then exportSelectedDesigns
  void buildLayout();
  QHBoxLayout* buildRecordBar(QWidget* central);
  QHBoxLayout* buildSelectionBar(QWidget* central);
  void buildDesignDock();
  QWidget* buildResultsPage();
  QWidget* buildHistoryPage();
  void buildStatusBar();
  // What is kept between sessions (main_window_settings.cpp).
  void restoreSettings(const StudioOptions& options);
  void saveSettings() const;
  void addRecentFile(const QString& path);
  void updateRecentMenu();
  static QString savedModelPath();  // the model the last session used ("": the shipped default)
  static QString lastFolder();      // where the last file was opened, for the file dialogs
  void documentRead(const QString& path, const QString& region);
  void setMasks(std::vector<bio::interval> masks, const QString& what);
  void updateHoles();
  void updateViewControls();
  void updateSelectionBar();
  void updateTitle();
  void updateSites();
  static QString sitesToolTip();  // the Sites field's, when every name in it is known
  QStringList siteNames() const;
  void checkSiteNames(bool edited);
  void showSequence(const std::string& bases, const std::string& reference, bio::interval highlight);
  void scheduleConfidence();
  void requestModel(const QString& path, const QString& device, const QString& precision);
  void showModel();
  bool runDesign(DesignRequest request);  // false when refused (said in an error dialog)
  // The design panel's sampler settings and constraints as core takes them; errors name the field.
  status panelOptions(core::design_options& options) const;
  void jobStarted(quint64 id, const QString& title);
  void jobProgress(quint64 id, double fraction, const QString& detail);
  void jobFinished(quint64 id, const JobOutcome& outcome);
  void designDone(const JobOutcome& outcome);
  int resultsRow(const QModelIndex& proxyIndex) const;
  const WorkingRecord* recordOf(const data::design_record& d) const;
  WorkingRecord* current();

  JobRunner* runner_ = nullptr;
  LoadedModel model_;
  quint64 modelJob_ = 0, designJob_ = 0, confidenceJob_ = 0, statusJob_ = 0;
  QString startupWarnings_;  // what restoreSettings found, said again beside the first file opened
  int generatedRecord_ = -1;  // the record of N a running Generate new added, or -1
  bool confidenceWanted_ = false;
  StudioOptions options_;
  QString storePath_, device_, precision_ = QStringLiteral("auto");
  QString cramReference_;
  QString modelRequested_;  // the checkpoint of model_ as asked for; empty: the shipped default
  struct ModelRequest {
    QString path, device, precision;
  };
  ModelRequest modelLoading_;  // the last one asked for, which becomes modelRequested_, device_ and precision_ when it loads
  ModelRequest pendingModel() const;
  qint64 lastRunId_ = 0;

  Document document_;
  // Each document read gets the next number; the designs shown are of document resultsDocument_, and
  // the design running of designDocument_ (recordOf: only there do their records lie open).
  std::uint64_t documentSerial_ = 0, resultsDocument_ = 0, designDocument_ = 0;
  static constexpr std::uint64_t noDocument = ~std::uint64_t{0};
  std::map<qint64, std::uint64_t> runDocuments_;  // the runs of this session, and their documents
  std::uint64_t documentOfRun(qint64 runId, const QString& source, const std::string& region) const;
  int record_ = -1;
  int shownDesign_ = -1;
  QUndoStack* undo_ = nullptr;
  QFutureWatcher<std::pair<status, Document>>* reader_ = nullptr;
  std::atomic<bool> closing_{false};  // set as the window goes: the file being read stops
  QFutureWatcher<SiteSearch>* siteFinder_ = nullptr;
  bool siteFinderAgain_ = false;

  SequenceView* view_ = nullptr;
  DesignPanel* panel_ = nullptr;
  ResultsModel* results_ = nullptr;
  QSortFilterProxyModel* resultsProxy_ = nullptr;
  HistoryModel* history_ = nullptr;
  QTableView* resultsView_ = nullptr;
  QTableView* historyView_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QPointer<BatchDialog> batch_;
  QComboBox* recordBox_ = nullptr;
  QLineEdit* sitesEdit_ = nullptr;
  QSpinBox* selStart_ = nullptr;
  QSpinBox* selEnd_ = nullptr;
  QLabel* selLength_ = nullptr;
  QLabel* shownLabel_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* deviceLabel_ = nullptr;
  QLabel* jobLabel_ = nullptr;
  QProgressBar* jobProgress_ = nullptr;
  QToolButton* jobCancel_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QAction* acceptAction_ = nullptr;
  QAction* exportAction_ = nullptr;
  QAction* showWorkingAction_ = nullptr;
  QAction* autoConfidenceAction_ = nullptr;
  QList<QAction*> deviceActions_, precisionActions_;
  QList<QWidget*> viewControls_;  // zoom and selection: enabled while the view shows bases
  QList<QAction*> viewActions_;
  QList<QAction*> recordActions_;  // masking and the working sequence: enabled while a record is open
};

}  // namespace dnafill::ui
