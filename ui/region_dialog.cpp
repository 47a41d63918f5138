// RegionDialog: contig, start and end for an indexed file.
#include "ui/region_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

#include "bio/region.h"
#include "ui/sequence_view.h"

namespace dnafill::ui {

RegionDialog::RegionDialog(const QString& path, const QString& format,
                           const std::vector<std::pair<std::string, std::int64_t>>& contigs, QWidget* parent)
    : QDialog(parent), contigs_(contigs) {
  setWindowTitle(tr("Open a region of %1").arg(QFileInfo(path).fileName()));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("%1 is an indexed %2 file: read one region of it, or all of it.").arg(QFileInfo(path).fileName(), format), this);
  intro->setTextFormat(Qt::PlainText);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  oneRegion_ = new QRadioButton(tr("A region"), this);
  wholeFile_ = new QRadioButton(format == QLatin1String("FASTA/FASTQ") ? tr("Every record of the file")
                                                                       : tr("Every read of the file"), this);
  oneRegion_->setChecked(true);
  auto* form = new QFormLayout;
  contig_ = new QComboBox(this);
  contig_->setObjectName(QStringLiteral("contigBox"));
  // Typing a name beats scrolling through thousands; what is typed picks a contig, it adds none.
  contig_->setEditable(contigs.size() > 50);
  contig_->setInsertPolicy(QComboBox::NoInsert);
  for (const auto& [name, length] : contigs)
    contig_->addItem(recordLabel(name, length),
                     QString::fromStdString(name));
  start_ = new QSpinBox(this);
  start_->setObjectName(QStringLiteral("startBox"));
  end_ = new QSpinBox(this);
  end_->setObjectName(QStringLiteral("endBox"));
  for (auto* box : {start_, end_}) {
    box->setGroupSeparatorShown(true);
    box->setMinimum(1);
  }
  length_ = new QLabel(this);
  length_->setTextFormat(Qt::PlainText);  // it quotes a typed contig name
  length_->setObjectName(QStringLiteral("regionLength"));
  form->addRow(tr("Contig"), contig_);
  form->addRow(tr("Start (1-based)"), start_);
  form->addRow(tr("End (inclusive)"), end_);
  form->addRow(QString(), length_);
  layout->addWidget(oneRegion_);
  layout->addLayout(form);
  layout->addWidget(wholeFile_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  layout->addWidget(buttons);
  open_ = buttons->button(QDialogButtonBox::Open);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(contig_, &QComboBox::currentIndexChanged, this, &RegionDialog::contigChanged);
  if (contig_->isEditable()) {
    connect(contig_, &QComboBox::editTextChanged, this, &RegionDialog::updateState);
    connect(contig_->lineEdit(), &QLineEdit::editingFinished, this, &RegionDialog::typedContig);
  }
  connect(start_, &QSpinBox::valueChanged, this, &RegionDialog::updateState);
  connect(end_, &QSpinBox::valueChanged, this, &RegionDialog::updateState);
  for (QWidget* w : std::initializer_list<QWidget*>{contig_, start_, end_})
    connect(oneRegion_, &QRadioButton::toggled, w, &QWidget::setEnabled);
  connect(oneRegion_, &QRadioButton::toggled, this, &RegionDialog::updateState);
  contigChanged();
}

int RegionDialog::contigIndex() const {
  const int current = contig_->currentIndex();
  if (!contig_->isEditable()) return current;
  const QString typed = contig_->currentText().trimmed();
  if (current >= 0 && typed == contig_->itemText(current)) return current;
  if (const int named = contig_->findData(typed); named >= 0) return named;
  return contig_->findText(typed);
}

// A name typed and confirmed (Return, Tab): its contig becomes the current one, with its range.
void RegionDialog::typedContig() {
  if (const int i = contigIndex(); i >= 0 && i != contig_->currentIndex()) contig_->setCurrentIndex(i);
  updateState();
}

void RegionDialog::updateState() {
  QString problem;
  if (oneRegion_->isChecked()) {
    const int i = contigIndex();
    if (i < 0) problem = tr("The file has no contig '%1'").arg(contig_->currentText().trimmed());
    else if (contigs_[static_cast<std::size_t>(i)].second == 0) problem = tr("This contig holds no base");
    else if (end_->value() < start_->value()) problem = tr("The end is before the start");
    // A name typed and not yet confirmed keeps the boxes of the contig shown before.
    else if (start_->value() > contigs_[static_cast<std::size_t>(i)].second)
      problem = tr("The start is past the contig's end (%1 bases)").arg(withSeparators(contigs_[static_cast<std::size_t>(i)].second));
  }
  length_->setText(!problem.isEmpty() ? problem : tr("%1 bases").arg(withSeparators(end_->value() - start_->value() + 1)));
  open_->setEnabled(problem.isEmpty());
}

void RegionDialog::contigChanged() {
  const int i = contig_->currentIndex();
  if (i < 0 || i >= static_cast<int>(contigs_.size())) return;
  const auto length = static_cast<int>(std::min<std::int64_t>(contigs_[static_cast<std::size_t>(i)].second, 2147483647));
  start_->setMaximum(std::max(1, length));
  end_->setMaximum(std::max(1, length));
  start_->setValue(1);
  end_->setValue(std::min(length, 100000));  // a region the view and the model handle at once
  updateState();
}

void RegionDialog::setRegion(const QString& contig, qint64 start, qint64 end) {
  const int i = contig_->findData(contig);
  if (i >= 0) contig_->setCurrentIndex(i);
  start_->setValue(static_cast<int>(start));
  end_->setValue(static_cast<int>(end));
  oneRegion_->setChecked(true);
}

void RegionDialog::accept() {
  if (open_->isEnabled()) QDialog::accept();
}

QString RegionDialog::region() const {
  if (wholeFile_->isChecked()) return {};
  const int i = contigIndex();
  if (i < 0 || end_->value() < start_->value() || start_->value() > contigs_[static_cast<std::size_t>(i)].second)
    return {};  // Open is disabled then
  bio::region r;
  r.contig = contigs_[static_cast<std::size_t>(i)].first;
  r.start = start_->value() - 1;
  r.end = std::min<std::int64_t>(end_->value(), contigs_[static_cast<std::size_t>(i)].second);
  return QString::fromStdString(bio::region_text(r));  // braces keep a name holding ':' whole
}

}  // namespace dnafill::ui
