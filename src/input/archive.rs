//! `.zip` archives given as input paths, read as the folder they hold.
//!
//! Exports travel as zips (the SCT baseline packages, a Backup-GPO root sent by mail). An
//! archive given as a path is unpacked into a private temporary folder (mode 0700, removed at
//! the end of the run or on SIGINT/SIGTERM), which is then discovered like any folder; every
//! path in the GPOs, damage records and errors read from it is then written
//! `archive.zip!/inner/path`, never the temporary folder's.
//!
//! Archives are hostile until read: an entry path with `..`, a root (`/x`, `\x`) or a drive
//! (`C:`) refuses the whole archive, naming the entry (zip-slip); an entry larger than the
//! per-file limit (`--max-file-size`) is skipped and named, as an oversized file is; and an
//! archive that would unpack to more than [`max_total_bytes`] in all, or (past
//! [`RATIO_FLOOR_BYTES`]) to more than [`MAX_RATIO`] times its own size, is refused as a zip bomb.
//! Sizes are checked as declared and again as the bytes come out. Symbolic-link entries are
//! skipped and named. Archives inside the archive are unpacked as plain files and not opened (a
//! nested zip is not followed), and a zip met while walking a folder is not opened either: give
//! it as a path.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use super::{InputError, fs_read};
use crate::model::Gpo;

/// More entries than this is no GPO export (a SYSVOL of a thousand GPOs holds tens of thousands
/// of files).
pub const MAX_ENTRIES: usize = 200_000;

/// How many times its own size an archive may unpack to, past [`RATIO_FLOOR_BYTES`]. Deflate
/// gives at most about 1032:1; GPO exports (XML, UTF-16 reports, INF) give 5:1 to 40:1.
pub const MAX_RATIO: u64 = 100;

/// Below this total the ratio is not checked: a small archive of empty files has a high ratio
/// and harms nothing.
pub const RATIO_FLOOR_BYTES: u64 = 64 * 1024 * 1024;

/// The most an archive may unpack to in all: four times the per-file limit (1 GiB by default).
pub fn max_total_bytes() -> u64 {
    fs_read::max_file_bytes().saturating_mul(4)
}

/// True for a path the user gave that is a zip archive to unpack (by its `.zip` name).
pub fn is_archive(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        && fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The paths to read, with every archive among them unpacked.
#[derive(Debug, Default)]
pub struct Unpacked {
    /// The paths as given, an archive replaced by the folder it was unpacked into; a refused
    /// archive is left out (its error says why).
    pub paths: Vec<PathBuf>,
    pub errors: Vec<InputError>,
    /// (unpacked folder, archive path as given): paths under the folder are shown under the
    /// archive.
    folders: Vec<(PathBuf, String)>,
    /// Removed when dropped.
    temp: Option<TempFolder>,
}

/// The run's temporary folder, removed when dropped and on SIGINT/SIGTERM.
#[derive(Debug)]
struct TempFolder(tempfile::TempDir);

impl Drop for TempFolder {
    fn drop(&mut self) {
        crate::output::forget_temporary_folder(self.0.path());
    }
}

/// Unpacks the archives among `paths` (see the module documentation). Errors name the archive
/// and, where one is to blame, the entry (`archive.zip!/entry`).
pub fn unpack_archives(paths: &[PathBuf]) -> Unpacked {
    let mut unpacked = Unpacked::default();
    for path in paths {
        if !is_archive(path) {
            unpacked.paths.push(path.clone());
            continue;
        }
        if unpacked.temp.is_none() {
            match tempfile::Builder::new().prefix("gpa-zip-").tempdir() {
                Ok(dir) => {
                    crate::output::remove_temporary_folder_on_signal(dir.path());
                    unpacked.temp = Some(TempFolder(dir));
                }
                Err(e) => {
                    unpacked.errors.push(InputError::new(
                        path,
                        format!("cannot create a temporary folder to unpack it: {e}"),
                    ));
                    continue;
                }
            }
        }
        let Some(root) = unpacked.temp.as_ref().map(|t| t.0.path().to_path_buf()) else {
            continue;
        };
        // Numbered in the order given, so paths of two archives compare as the archives do.
        let folder = root.join(format!("{}.zip.d", unpacked.folders.len()));
        let label = format!("{}!", path.display());
        match unpack(path, &label, &folder) {
            Ok(errors) => {
                unpacked.errors.extend(errors);
                unpacked.paths.push(folder.clone());
                unpacked.folders.push((folder, label));
            }
            Err(error) => {
                unpacked.errors.push(error);
                let _ = fs::remove_dir_all(&folder);
            }
        }
    }
    unpacked
}

impl Unpacked {
    /// A path under an unpacked folder as `archive.zip!/inner/path`; other paths unchanged.
    pub fn label(&self, path: &Path) -> PathBuf {
        for (folder, label) in &self.folders {
            if let Ok(rest) = path.strip_prefix(folder) {
                let inner: Vec<String> = rest
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                return if inner.is_empty() {
                    PathBuf::from(label)
                } else {
                    PathBuf::from(format!("{label}/{}", inner.join("/")))
                };
            }
        }
        path.to_path_buf()
    }

    /// `text` with every unpacked folder's path in it written as its archive's.
    fn label_text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (folder, label) in &self.folders {
            let folder = folder.display().to_string();
            if out.contains(&folder) {
                out = out.replace(&format!("{folder}/"), &format!("{label}/"));
                out = out.replace(&folder, label);
            }
        }
        out
    }

    fn label_in_place(&self, text: &mut String) {
        if !self.folders.is_empty() {
            *text = self.label_text(text);
        }
    }

    /// Every path-bearing field of a GPO read from an archive, written under the archive.
    pub fn label_gpo(&self, gpo: &mut Gpo) {
        if self.folders.is_empty() {
            return;
        }
        self.label_in_place(&mut gpo.origin);
        for note in &mut gpo.notes {
            self.label_in_place(note);
        }
        for damage in &mut gpo.damage {
            self.label_in_place(&mut damage.file);
            self.label_in_place(&mut damage.problem);
        }
        for setting in gpo
            .settings
            .iter_mut()
            .chain(gpo.report_policies.iter_mut())
        {
            self.label_in_place(&mut setting.source.file);
        }
        for d in &mut gpo.discrepancies {
            self.label_in_place(&mut d.detail);
        }
    }

    pub fn label_error(&self, error: &mut InputError) {
        if self.folders.is_empty() {
            return;
        }
        error.path = self.label(&error.path);
        self.label_in_place(&mut error.reason);
    }
}

/// An entry's path inside the archive as safe components, or why it is refused. Both `/` and
/// `\` separate (PowerShell 5's Compress-Archive writes `\`).
fn entry_components(name: &str) -> Result<Vec<String>, &'static str> {
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("an absolute path");
    }
    let mut parts = Vec::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err("a path with '..', which leaves the archive"),
            p if p.len() >= 2 && p.as_bytes()[1] == b':' && parts.is_empty() => {
                return Err("a path with a drive letter");
            }
            p if p.contains('\0') => return Err("a path with a NUL character"),
            p => parts.push(p.to_string()),
        }
    }
    // Checked again by the standard library's reading of the result: only normal components.
    let joined: PathBuf = parts.iter().collect();
    if joined
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err("a path that is not plainly inside the archive");
    }
    Ok(parts)
}

/// Unpacks one archive into `folder`. Err when the archive is refused as a whole; Ok with the
/// entries that were skipped.
fn unpack(path: &Path, label: &str, folder: &Path) -> Result<Vec<InputError>, InputError> {
    let refuse = |reason: String| InputError::new(path, reason);
    let (file, archive_len) = fs_read::open_regular_file(path).map_err(refuse)?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| refuse(format!("not a readable zip archive: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(refuse(format!(
            "{} entries, over the {MAX_ENTRIES} an export can hold: not read",
            archive.len()
        )));
    }
    let per_file = fs_read::max_file_bytes();
    let total_limit = max_total_bytes();
    // Every name and declared size first: nothing is written from an archive to be refused.
    let mut plan = Vec::new();
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| refuse(format!("entry {i} unreadable: {e}")))?;
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        let parts = entry_components(&name).map_err(|why| {
            refuse(format!(
                "entry {:?} is {why}: the archive is not read",
                crate::safe_text::excerpt(&name, 200)
            ))
        })?;
        declared_total = declared_total.saturating_add(entry.size());
        // Folders end in `/`, or `\` from PowerShell 5.
        let is_dir = entry.is_dir() || name.ends_with('\\');
        plan.push((i, name, parts, is_dir, entry.is_symlink(), entry.size()));
    }
    if declared_total > total_limit {
        return Err(refuse(format!(
            "unpacks to {declared_total} bytes, over the {} MiB an archive may hold (four times \
             --max-file-size): not read",
            total_limit / (1024 * 1024)
        )));
    }
    if declared_total > RATIO_FLOOR_BYTES && declared_total / archive_len.max(1) > MAX_RATIO {
        return Err(refuse(format!(
            "unpacks to {declared_total} bytes from {archive_len}, over {MAX_RATIO} times its \
             size (a zip bomb?): not read"
        )));
    }

    fs::create_dir(folder).map_err(|e| refuse(format!("cannot unpack: {e}")))?;
    let mut skipped = Vec::new();
    let mut written_total: u64 = 0;
    for (i, name, parts, is_dir, is_link, size) in plan {
        let shown = PathBuf::from(format!("{label}/{}", parts.join("/")));
        let skip = |reason: String| InputError::new(&shown, reason);
        if parts.is_empty() {
            continue;
        }
        let target: PathBuf = parts.iter().fold(folder.to_path_buf(), |p, c| p.join(c));
        if is_dir {
            if let Err(e) = fs::create_dir_all(&target) {
                skipped.push(skip(format!("cannot unpack the folder: {e}")));
            }
            continue;
        }
        if is_link {
            skipped.push(skip("a symbolic link entry: not followed".to_string()));
            continue;
        }
        if size > per_file {
            skipped.push(skip(format!(
                "{size} bytes, over the {} MiB limit per file: skipped (raise it with \
                 --max-file-size)",
                per_file / (1024 * 1024)
            )));
            continue;
        }
        if let Some(parent) = target.parent()
            && let Err(e) = fs::create_dir_all(parent)
        {
            skipped.push(skip(format!("cannot unpack: {e}")));
            continue;
        }
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                skipped.push(skip(format!("cannot unpack: {e}")));
                continue;
            }
        };
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry).take(per_file + 1).read_to_end(&mut bytes) {
            skipped.push(skip(format!("cannot unpack: {e}")));
            continue;
        }
        if bytes.len() as u64 > per_file {
            skipped.push(skip(format!(
                "over the {} MiB limit per file once unpacked (the archive declares {size} \
                 bytes): skipped",
                per_file / (1024 * 1024)
            )));
            continue;
        }
        written_total = written_total.saturating_add(bytes.len() as u64);
        if written_total > total_limit {
            let _ = fs::remove_dir_all(folder);
            return Err(refuse(format!(
                "unpacks to more than the {} MiB an archive may hold, past what it declares \
                 (a zip bomb?): not read",
                total_limit / (1024 * 1024)
            )));
        }
        // A second entry of the same name is refused, not written over the first.
        let written = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .and_then(|mut f| f.write_all(&bytes));
        if let Err(e) = written {
            let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "entry {name:?} appears twice (or as a file and a folder): the first is kept"
                )
            } else {
                format!("cannot unpack: {e}")
            };
            skipped.push(skip(why));
        }
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_that_leave_the_archive_are_refused() {
        assert_eq!(
            entry_components("GPOs/{A}/Backup.xml"),
            Ok(vec!["GPOs".into(), "{A}".into(), "Backup.xml".into()])
        );
        assert_eq!(
            entry_components("GPOs\\{A}\\gpreport.xml"),
            Ok(vec!["GPOs".into(), "{A}".into(), "gpreport.xml".into()])
        );
        assert_eq!(
            entry_components("./a/./b"),
            Ok(vec!["a".into(), "b".into()])
        );
        assert!(entry_components("../evil").is_err());
        assert!(entry_components("a/../../evil").is_err());
        assert!(entry_components("a\\..\\..\\evil").is_err());
        assert!(entry_components("/etc/passwd").is_err());
        assert!(entry_components("\\Windows\\x").is_err());
        assert!(entry_components("C:\\Windows\\x").is_err());
        assert!(entry_components("C:x").is_err());
    }
}
