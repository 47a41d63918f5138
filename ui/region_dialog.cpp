// RegionDialog: contig, start and end for an indexed file.
#include "ui/region_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
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
  intro->setWordWrap(true);
  layout->addWidget(intro);
  oneRegion_ = new QRadioButton(tr("A region"), this);
  wholeFile_ = new QRadioButton(format == QLatin1String("FASTA/FASTQ") ? tr("Every record of the file")
                                                                       : tr("Every read of the file"), this);
  oneRegion_->setChecked(true);
  auto* form = new QFormLayout;
  contig_ = new QComboBox(this);
  contig_->setObjectName(QStringLiteral("contigBox"));
  contig_->setEditable(contigs.size() > 50);  // typing a name beats scrolling through thousands
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
  form->addRow(tr("Contig"), contig_);
  form->addRow(tr("Start (1-based)"), start_);
  form->addRow(tr("End (inclusive)"), end_);
  form->addRow(QString(), length_);
  layout->addWidget(oneRegion_);
  layout->addLayout(form);
  layout->addWidget(wholeFile_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(contig_, &QComboBox::currentIndexChanged, this, &RegionDialog::contigChanged);
  auto updateLength = [this] {
    length_->setText(tr("%1 bases").arg(withSeparators(std::max(0, end_->value() - start_->value() + 1))));
  };
  connect(start_, &QSpinBox::valueChanged, this, updateLength);
  connect(end_, &QSpinBox::valueChanged, this, updateLength);
  for (QWidget* w : std::initializer_list<QWidget*>{contig_, start_, end_})
    connect(oneRegion_, &QRadioButton::toggled, w, &QWidget::setEnabled);
  contigChanged();
}

void RegionDialog::contigChanged() {
  const int i = contig_->currentIndex();
  if (i < 0 || i >= static_cast<int>(contigs_.size())) return;
  const auto length = static_cast<int>(std::min<std::int64_t>(contigs_[static_cast<std::size_t>(i)].second, 2147483647));
  start_->setMaximum(std::max(1, length));
  end_->setMaximum(std::max(1, length));
  start_->setValue(1);
  end_->setValue(std::min(length, 100000));  // a region the view and the model handle at once
}

void RegionDialog::setRegion(const QString& contig, qint64 start, qint64 end) {
  const int i = contig_->findData(contig);
  if (i >= 0) contig_->setCurrentIndex(i);
  start_->setValue(static_cast<int>(start));
  end_->setValue(static_cast<int>(end));
  oneRegion_->setChecked(true);
}

QString RegionDialog::region() const {
  if (wholeFile_->isChecked()) return {};
  bio::region r;
  r.contig = contig_->currentData().toString().toStdString();
  r.start = start_->value() - 1;
  r.end = std::max(start_->value(), end_->value());
  return QString::fromStdString(bio::region_text(r));  // braces keep a name holding ':' whole
}

}  // namespace dnafill::ui
