// The studio's checks of its FASTA outputs against the files of the session.
#include "ui/output_check.h"

#include <QCoreApplication>

#include "bio/fasta_writer.h"
#include "bio/output_file.h"
#include "bio/sequence_source.h"
#include "data/store.h"

namespace dnafill::ui {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("dnafill::ui::output_check", text); }

}  // namespace

std::vector<KeptFile> storeFiles(const std::string& storePath) {
  if (storePath.empty()) return {};
  std::vector<KeptFile> files = {{storePath, tr("the store of runs and designs")}};
  for (const auto& companion : data::store::companion_files(storePath))
    files.push_back({companion.path, tr("a file SQLite keeps beside the store")});
  return files;
}

void keepInput(std::vector<KeptFile>& kept, const std::string& path, const QString& what) {
  if (path.empty()) return;
  kept.push_back({path, what});
  for (const auto& index : bio::index_files(path)) kept.push_back({index, tr("the index of %1").arg(what)});
}

QString overwrites(const std::string& out, const std::vector<KeptFile>& kept) {
  // Found when the file is made, after the work (a batch's whole run, its store made): first here.
  if (auto s = bio::check_creatable(out); !s) return QString::fromStdString(s.message()) + tr(". Choose another file.");
  std::vector<std::string> written = {out};
  for (const auto& index : bio::fasta_writer::index_paths(out)) written.push_back(index);
  for (const auto& file : written)
    for (const auto& [path, what] : kept)
      if (!path.empty() && bio::same_file(file, path))
        return tr("%1 is %2: the FASTA would overwrite it. Choose another file.").arg(QString::fromStdString(file), what);
  // A file of another kind named by mistake (a checkpoint, a BAM), as the command line refuses it.
  if (!bio::replaceable(out, bio::output_kind::fasta))
    return tr("%1 is there and holds %2, not FASTA: the FASTA would replace it. Choose another file.")
        .arg(QString::fromStdString(out), QString::fromStdString(bio::what_file_holds(out)));
  for (const auto& index : bio::fasta_writer::index_paths(out))  // the index written beside a .gz
    if (!bio::replaceable(index, bio::output_kind::fasta_index))
      return tr("%1 is there and holds %2, not the index of a FASTA: the FASTA's index would replace it. Choose another file.")
          .arg(QString::fromStdString(index), QString::fromStdString(bio::what_file_holds(index)));
  return {};
}

}  // namespace dnafill::ui
