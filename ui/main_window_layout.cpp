// MainWindow's widgets, docks, menus and actions: built once, by the constructor, and wired to the
// slots of main_window.cpp.
#include "ui/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <functional>
#include <initializer_list>
#include <utility>

#include "core/runtime.h"
#include "ui/design_panel.h"
#include "ui/history_model.h"
#include "ui/results_model.h"

namespace dnafill::ui {
namespace {

// A submenu of exclusive, checkable choices, each action carrying its name as data; `choose` gets the
// name picked. Returns the actions, in order.
QList<QAction*> addChoiceMenu(QMenu* parent, const QString& title,
                              std::initializer_list<std::pair<QString, QString>> namesAndLabels,
                              const std::function<void(const QString&)>& choose) {
  auto* menu = parent->addMenu(title);
  auto* group = new QActionGroup(menu);
  QList<QAction*> actions;
  for (const auto& [name, label] : namesAndLabels) {
    auto* a = menu->addAction(label);
    a->setCheckable(true);
    a->setData(name);
    group->addAction(a);
    actions << a;
    QObject::connect(a, &QAction::triggered, menu, [choose, name = name] { choose(name); });
  }
  return actions;
}

// A page of a toolbar over a sortable table of `model`, the look of the results and the history. Its
// text column `stretch` takes the spare width (a stretched last column of numbers leaves them far
// from their header).
struct TablePage {
  QWidget* page;
  QToolBar* bar;
  QTableView* view;
  QSortFilterProxyModel* proxy;
};

TablePage makeTablePage(QObject* owner, QAbstractItemModel* model, int sortRole, int stretch, const QString& name) {
  TablePage t{new QWidget, nullptr, nullptr, new QSortFilterProxyModel(owner)};
  auto* layout = new QVBoxLayout(t.page);
  layout->setContentsMargins(2, 2, 2, 2);
  t.bar = new QToolBar(t.page);
  t.view = new QTableView(t.page);
  t.view->setObjectName(name);
  t.view->setSelectionBehavior(QAbstractItemView::SelectRows);
  t.view->setSortingEnabled(true);
  t.view->setAlternatingRowColors(true);
  t.view->verticalHeader()->hide();
  t.view->verticalHeader()->setDefaultSectionSize(t.view->fontMetrics().height() + 6);
  t.proxy->setSourceModel(model);
  t.proxy->setSortRole(sortRole);
  t.view->setModel(t.proxy);
  t.view->horizontalHeader()->setSectionResizeMode(stretch, QHeaderView::Stretch);
  layout->addWidget(t.bar);
  layout->addWidget(t.view);
  return t;
}

}  // namespace

void MainWindow::buildLayout() {
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(buildRecordBar(central));
  view_ = new SequenceView(central);
  view_->setObjectName(QStringLiteral("sequenceView"));
  layout->addWidget(view_, 1);
  connect(view_, &SequenceView::selectionChanged, this, [this] {
    updateSelectionBar();
    updateHoles();
  });
  layout->addLayout(buildSelectionBar(central));
  setCentralWidget(central);
  buildDesignDock();

  // Results and history, bottom.
  tabs_ = new QTabWidget;
  tabs_->addTab(buildResultsPage(), tr("Results"));
  tabs_->addTab(buildHistoryPage(), tr("History"));
  auto* bottomDock = new QDockWidget(tr("Results and history"), this);
  bottomDock->setObjectName(QStringLiteral("resultsDock"));
  bottomDock->setWidget(tabs_);
  bottomDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::BottomDockWidgetArea, bottomDock);
  buildStatusBar();
  resize(1280, 860);
}

// The record chooser, the shown range and the sites to mark, above the view.
QHBoxLayout* MainWindow::buildRecordBar(QWidget* central) {
  auto* top = new QHBoxLayout;
  recordBox_ = new QComboBox(central);
  recordBox_->setObjectName(QStringLiteral("recordBox"));
  recordBox_->setMinimumContentsLength(24);
  recordBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  connect(recordBox_, &QComboBox::activated, this, &MainWindow::setCurrentRecord);
  shownLabel_ = new QLabel(central);
  shownLabel_->setObjectName(QStringLiteral("shownLabel"));
  shownLabel_->setTextFormat(Qt::PlainText);  // a record's description is text, not markup
  shownLabel_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // cut, not the sites field
  sitesEdit_ = new QLineEdit(central);
  sitesEdit_->setObjectName(QStringLiteral("sitesEdit"));
  sitesEdit_->setPlaceholderText(tr("enzymes or motifs to mark"));
  sitesEdit_->setToolTip(sitesToolTip());
  sitesEdit_->setCompleter(new ListCompleter(enzymeNames(), sitesEdit_));
  connect(sitesEdit_, &QLineEdit::editingFinished, this, [this] {
    checkSiteNames(/*edited=*/true);
    updateSites();
  });
  top->addWidget(new QLabel(tr("Record"), central));
  top->addWidget(recordBox_);
  top->addWidget(shownLabel_, 1);
  top->addWidget(new QLabel(tr("Sites"), central));
  top->addWidget(sitesEdit_);
  return top;
}

// Exact coordinates of the selection, 1-based inclusive, editable, and the zoom buttons.
QHBoxLayout* MainWindow::buildSelectionBar(QWidget* central) {
  auto* bar = new QHBoxLayout;
  selStart_ = new QSpinBox(central);
  selStart_->setObjectName(QStringLiteral("selectionStart"));
  selEnd_ = new QSpinBox(central);
  selEnd_->setObjectName(QStringLiteral("selectionEnd"));
  for (auto* box : {selStart_, selEnd_}) {
    box->setGroupSeparatorShown(true);
    box->setRange(0, 0);
    box->setKeyboardTracking(false);
    box->setMinimumWidth(110);
  }
  selStart_->setToolTip(tr("First selected base, numbered as on the ruler"));
  selEnd_->setToolTip(tr("Last selected base (inclusive), numbered as on the ruler"));
  selLength_ = new QLabel(central);
  selLength_->setObjectName(QStringLiteral("selectionLength"));
  auto applySpins = [this] {
    const qint64 before = view_->firstPosition() - 1;  // to 1-based in the record
    const qint64 start = selStart_->value() - before, end = selEnd_->value() - before;
    // An end before the start leaves the selection as it is and says so: the boxes keep what was
    // typed, as a range moved down is typed end first, then start.
    if (end < start) return selLength_->setText(tr("the end is before the start: the selection is unchanged"));
    if (start >= 1) view_->setSelection(start - 1, end);
    view_->ensureVisible(std::max<qint64>(0, start - 1));
  };
  connect(selStart_, &QSpinBox::valueChanged, this, applySpins);
  connect(selEnd_, &QSpinBox::valueChanged, this, applySpins);
  bar->addWidget(new QLabel(tr("Selection"), central));
  bar->addWidget(selStart_);
  bar->addWidget(new QLabel(QStringLiteral("-"), central));
  bar->addWidget(selEnd_);
  bar->addWidget(selLength_, 1);
  viewControls_ << selStart_ << selEnd_;
  auto zoomButton = [&](const QString& text, const QString& tip, auto slot) {
    auto* b = new QToolButton(central);
    b->setText(text);
    b->setToolTip(tip);
    connect(b, &QToolButton::clicked, view_, slot);
    bar->addWidget(b);
    viewControls_.append(b);
  };
  zoomButton(QStringLiteral("-"), tr("Zoom out (-)"), &SequenceView::zoomOut);
  zoomButton(QStringLiteral("+"), tr("Zoom in (+)"), &SequenceView::zoomIn);
  zoomButton(tr("Fit"), tr("The whole record (Ctrl+0)"), &SequenceView::zoomToFit);
  zoomButton(tr("Selection"), tr("Zoom to the selection"), &SequenceView::zoomToSelection);
  return bar;
}

// The design panel, right.
void MainWindow::buildDesignDock() {
  panel_ = new DesignPanel;
  panel_->setObjectName(QStringLiteral("designPanel"));
  auto* designDock = new QDockWidget(tr("Design"), this);
  designDock->setObjectName(QStringLiteral("designDock"));
  designDock->setWidget(panel_);  // it scrolls its form itself, below which Generate stays
  designDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::RightDockWidgetArea, designDock);
  connect(panel_, &DesignPanel::maskSelectionRequested, this, &MainWindow::maskSelection);
  connect(panel_, &DesignPanel::unmaskSelectionRequested, this, &MainWindow::unmaskSelection);
  connect(panel_, &DesignPanel::maskLowercaseRequested, this, &MainWindow::maskLowercase);
  connect(panel_, &DesignPanel::maskNRequested, this, &MainWindow::maskN);
  connect(panel_, &DesignPanel::clearMasksRequested, this, &MainWindow::clearMasks);
  connect(panel_, &DesignPanel::infillRequested, this, &MainWindow::infill);
  connect(panel_, &DesignPanel::generateNewRequested, this, &MainWindow::generateNew);
  connect(panel_, &DesignPanel::cancelRequested, this, &MainWindow::cancelJobs);
  // A track shown (or on its way) was read from one strand or both: it goes, and is read again as the
  // designs now read the model where it would be by itself (the automatic limit, no design running);
  // else Ctrl+K reads it (a long record's track costs minutes).
  connect(panel_, &DesignPanel::bothStrandsToggled, this, [this] {
    if (!view_->hasConfidence() && !confidenceJob_) return;
    view_->setConfidence({});
    view_->setConfidencePending(false);
    scheduleConfidence();
  });
}

// The designs of the run in hand, with accept and export.
QWidget* MainWindow::buildResultsPage() {
  const auto t = makeTablePage(this, results_, ResultsModel::SortRole, ResultsModel::RecordColumn, QStringLiteral("resultsView"));
  resultsView_ = t.view;
  resultsProxy_ = t.proxy;
  resultsView_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  resultsView_->sortByColumn(ResultsModel::VariantColumn, Qt::AscendingOrder);
  connect(resultsView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid()) showDesign(resultsRow(current));
          });
  acceptAction_ = t.bar->addAction(tr("Accept variant"), this, &MainWindow::acceptShownDesign);
  acceptAction_->setToolTip(tr("Write the shown variant into the working sequence (undo with Ctrl+Z)"));
  acceptAction_->setObjectName(QStringLiteral("acceptAction"));
  acceptAction_->setEnabled(false);  // until a variant is shown
  exportAction_ = t.bar->addAction(tr("Export selected..."), this, &MainWindow::exportSelectedDialog);
  showWorkingAction_ = t.bar->addAction(tr("Show working sequence"), this, &MainWindow::showWorkingSequence);
  recordActions_ << showWorkingAction_;
  return t.page;
}

// Every run of the store, re-openable.
QWidget* MainWindow::buildHistoryPage() {
  const auto t = makeTablePage(this, history_, HistoryModel::SortRole, HistoryModel::InputColumn, QStringLiteral("historyView"));
  historyView_ = t.view;
  historyView_->setSelectionMode(QAbstractItemView::SingleSelection);
  historyView_->sortByColumn(HistoryModel::RunColumn, Qt::DescendingOrder);
  auto reopenCurrent = [this] {
    const auto index = historyView_->currentIndex();
    if (index.isValid()) reopenRun(index.data(HistoryModel::RunIdRole).toLongLong());
  };
  connect(historyView_, &QTableView::activated, this, reopenCurrent);
  t.bar->addAction(tr("Re-open run"), this, reopenCurrent);
  t.bar->addAction(tr("Refresh"), this, &MainWindow::refreshHistory);
  return t.page;
}

// The job in hand, the model and the device.
void MainWindow::buildStatusBar() {
  jobLabel_ = new QLabel(this);
  jobLabel_->setTextFormat(Qt::PlainText);
  jobProgress_ = new QProgressBar(this);
  jobProgress_->setRange(0, 1000);
  jobProgress_->setMaximumWidth(180);
  jobProgress_->setVisible(false);
  jobCancel_ = new QToolButton(this);
  jobCancel_->setText(tr("Cancel"));
  jobCancel_->setVisible(false);
  connect(jobCancel_, &QToolButton::clicked, this, &MainWindow::cancelJobs);
  modelLabel_ = new QLabel(tr("no model"), this);
  modelLabel_->setTextFormat(Qt::PlainText);
  modelLabel_->setObjectName(QStringLiteral("modelLabel"));
  deviceLabel_ = new QLabel(this);
  deviceLabel_->setObjectName(QStringLiteral("deviceLabel"));
  // Permanent, as the bar beside it: a passing message ("file: 3 record(s)") must not hide the job.
  statusBar()->addPermanentWidget(jobLabel_);
  statusBar()->addPermanentWidget(jobProgress_);
  statusBar()->addPermanentWidget(jobCancel_);
  statusBar()->addPermanentWidget(modelLabel_);
  statusBar()->addPermanentWidget(deviceLabel_);
}

void MainWindow::buildActions() {
  buildFileMenu();
  buildEditMenu();
  buildViewMenu();
  auto* designMenu = menuBar()->addMenu(tr("&Design"));
  designMenu->addAction(tr("&Generate"), QKeySequence(Qt::CTRL | Qt::Key_G), this, &MainWindow::infill);
  auto* cancel = designMenu->addAction(tr("&Cancel"), this, &MainWindow::cancelJobs);
  cancel->setObjectName(QStringLiteral("cancelDesignAction"));
  // Greyed when nothing it stops runs (a model load, a batch: it stops a design and a confidence track).
  connect(designMenu, &QMenu::aboutToShow, cancel, [this, cancel] { cancel->setEnabled(designJob_ || confidenceJob_); });
  designMenu->addAction(acceptAction_);
  buildModelMenu();
  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About dnafill-studio"), this, [this] {
    QMessageBox::about(this, tr("About dnafill-studio"),
                       tr("<b>dnafill-studio %1</b><p>Design DNA with a masked diffusion model.</p>"
                          "<p>LibTorch %2 on %3.</p><p>The command line: <tt>dnafill --help</tt>.</p>")
                           .arg(QStringLiteral(DNAFILL_VERSION), QString::fromStdString(core::torch_version()),
                                QString::fromStdString(core::machine_description())));
  });
}

void MainWindow::buildFileMenu() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::openFileDialog);
  recentMenu_ = file->addMenu(tr("Open &recent"));
  file->addAction(tr("Save working sequence as FASTA..."), QKeySequence::SaveAs, this,
                  &MainWindow::saveWorkingSequence);
  file->addSeparator();
  file->addAction(tr("&Batch..."), QKeySequence(Qt::CTRL | Qt::Key_B), this, &MainWindow::openBatchDialog);
  exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  file->addAction(exportAction_);
  file->addSeparator();
  file->addAction(tr("Choose the &store..."), this, [this] {
    if (storeChangeRefused()) return;  // said before the dialog, not after
    const QString path = QFileDialog::getSaveFileName(this, tr("The store runs and designs are kept in"), storePath_,
                                                      tr("dnafill stores (*.sqlite *.db);;All files (*)"), nullptr,
                                                      QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty()) setStorePath(path);
  });
  file->addAction(tr("CRAM &reference..."), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("The FASTA that decodes CRAM files"), cramReference_,
                                                      tr("FASTA (*.fa *.fasta *.fna *.fa.gz *.fasta.gz);;All files (*)"));
    if (path.isEmpty()) return;
    setCramReference(path);
    statusBar()->showMessage(tr("CRAM files are decoded with %1 from now on").arg(path), 8000);
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::buildEditMenu() {
  auto* edit = menuBar()->addMenu(tr("&Edit"));
  auto* undo = undo_->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  auto* redo = undo_->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  edit->addAction(tr("&Copy"), QKeySequence::Copy, this, &MainWindow::copySelection);
  edit->addAction(tr("Select &all"), QKeySequence::SelectAll, view_, &SequenceView::selectAll);
  edit->addSeparator();
  recordActions_ << edit->addAction(tr("&Mask selection"), QKeySequence(Qt::Key_M), this, &MainWindow::maskSelection)
                 << edit->addAction(tr("&Unmask selection"), QKeySequence(Qt::SHIFT | Qt::Key_M), this, &MainWindow::unmaskSelection)
                 << edit->addAction(tr("Clear masks"), this, &MainWindow::clearMasks);
}

void MainWindow::buildViewMenu() {
  auto* viewMenu = menuBar()->addMenu(tr("&View"));
  viewActions_ << viewMenu->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, view_, &SequenceView::zoomIn)
               << viewMenu->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, view_, &SequenceView::zoomOut)
               << viewMenu->addAction(tr("Whole record"), QKeySequence(Qt::CTRL | Qt::Key_0), view_, &SequenceView::zoomToFit)
               << viewMenu->addAction(tr("Zoom to selection"), view_, &SequenceView::zoomToSelection);
  viewMenu->addSeparator();
  viewMenu->addAction(tr("Model &confidence"), QKeySequence(Qt::CTRL | Qt::Key_K), this, &MainWindow::computeConfidence);
  autoConfidenceAction_ = viewMenu->addAction(tr("Confidence of what is shown, automatically (up to 5 kb)"));
  autoConfidenceAction_->setCheckable(true);
  showWorkingAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
  viewMenu->addAction(showWorkingAction_);
}

QString MainWindow::sitesToolTip() {
  return tr("Enzyme names (EcoRI, BsaI) or IUPAC motifs, marked on both strands in the sites track");
}

// The model file, the device it runs on and the network's precision.
void MainWindow::buildModelMenu() {
  // Alt+O: Alt+M is the design panel's Mask selection (both on one key, neither answered it).
  auto* modelMenu = menuBar()->addMenu(tr("M&odel"));
  modelMenu->addAction(tr("&Load model..."), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load a dnafill checkpoint"), QFileInfo(model_.path).path(),
                                                      tr("Checkpoints (*.safetensors)"));
    if (!path.isEmpty()) loadModel(path, pendingModel().device);
  });
  modelMenu->addAction(tr("Shipped &default model"), this, [this] { loadModel({}, pendingModel().device); });
  deviceActions_ = addChoiceMenu(modelMenu, tr("&Device"),
                                 {{QStringLiteral("auto"), tr("Automatic (CUDA when there is a GPU)")},
                                  {QStringLiteral("cpu"), tr("CPU")},
                                  {QStringLiteral("cuda"), tr("CUDA")}},
                                 [this](const QString& device) {
                                   const auto base = pendingModel();
                                   requestModel(base.path, device, base.precision);
                                 });
  if (!core::cuda_available()) {
    deviceActions_.last()->setEnabled(false);  // "cuda"
    deviceActions_.last()->setToolTip(tr("No CUDA GPU is available to this build"));
  }
  precisionActions_ = addChoiceMenu(modelMenu, tr("Network &precision"),
                                    {{QStringLiteral("auto"), tr("Automatic (bfloat16 on a GPU, else float32)")},
                                     {QStringLiteral("fp32"), tr("float32 (exact)")},
                                     {QStringLiteral("bf16"), tr("bfloat16 (fast on GPUs and CPUs with AVX512-BF16)")}},
                                    [this](const QString& precision) {
                                      // On the worker thread, after any job using the model now.
                                      const auto base = pendingModel();
                                      requestModel(base.path, base.device, precision);
                                    });
}

}  // namespace dnafill::ui
