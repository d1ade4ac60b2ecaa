//! Writing output files safely: the reports of `analyze` and the policies of `convert`.
//!
//! gpa runs in folders others can write to, and as root in CI. So every output goes through a
//! temporary file created exclusively, with an unpredictable name, in the target's own folder
//! (the `tempfile` crate: `O_EXCL` and a random name, so a link planted at a guessable name is
//! never followed), and is renamed over the target only when every output of the run is
//! written: the outputs of one run are replaced together, or not at all when one fails. A
//! target that is a symbolic link has its final target written (the link stays); `-` is
//! standard output; a character device or a pipe (`/dev/stdout`, a FIFO) is written directly,
//! never renamed over. A rewritten file keeps its permissions. Temporary files are removed on
//! SIGINT and SIGTERM ([`remove_temporary_files_on_signal`]).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files not yet renamed: the signal handler removes them.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs a SIGINT / SIGTERM handler that removes the temporary files of outputs being written,
/// then exits with status 130 (as a shell reports an interrupted command). Call once, early.
pub fn remove_temporary_files_on_signal() -> Result<(), String> {
    ctrlc::set_handler(|| {
        remove_pending();
        std::process::exit(130);
    })
    .map_err(|e| format!("cannot install the signal handler: {e}"))
}

/// Writes text to standard output. When the reader has gone (`gpa … | head`), removes the
/// temporary files of outputs being written and exits with status 141, as a process killed by
/// SIGPIPE does, quietly: Rust ignores SIGPIPE, and `print!` would panic instead.
pub fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            remove_pending();
            std::process::exit(141);
        }
        Err(e) => {
            eprintln!("gpa: cannot write to standard output: {e}");
            remove_pending();
            std::process::exit(2);
        }
    }
}

fn remove_pending() {
    let paths = match PENDING.lock() {
        Ok(mut pending) => std::mem::take(&mut *pending),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for path in paths {
        let _ = fs::remove_file(path);
    }
    let folders = match PENDING_FOLDERS.lock() {
        Ok(mut pending) => std::mem::take(&mut *pending),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for folder in folders {
        let _ = fs::remove_dir_all(folder);
    }
}

/// Temporary folders of the run (archives unpacked by `input::archive`): the signal handler
/// removes them too.
static PENDING_FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Has the signal handler remove `folder` and everything in it.
pub fn remove_temporary_folder_on_signal(folder: &Path) {
    if let Ok(mut pending) = PENDING_FOLDERS.lock() {
        pending.push(folder.to_path_buf());
    }
}

/// The folder is being removed by its owner: the handler leaves it.
pub fn forget_temporary_folder(folder: &Path) {
    if let Ok(mut pending) = PENDING_FOLDERS.lock() {
        pending.retain(|p| p != folder);
    }
}

fn forget_pending(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// Where one output goes.
#[derive(Debug)]
enum Destination {
    /// `-`: written at commit.
    Stdout,
    /// A character device or pipe (possibly through a link): opened and written at commit,
    /// never replaced.
    Stream(PathBuf),
    /// A regular file (or none yet): the temporary file, renamed over `target` at commit.
    File {
        temp: tempfile::TempPath,
        target: PathBuf,
    },
}

/// The outputs of one run, staged: nothing is replaced until [`Outputs::commit`].
#[derive(Debug, Default)]
pub struct Outputs {
    staged: Vec<(PathBuf, Destination, Vec<u8>)>,
}

impl Outputs {
    pub fn new() -> Self {
        Outputs::default()
    }

    /// Writes `bytes` to a temporary file beside `path` (or keeps them for a stream). Errors name
    /// the path. Dropping the set without committing removes the temporary files.
    pub fn stage(&mut self, path: &Path, bytes: Vec<u8>) -> Result<(), String> {
        let fail = |e: &dyn std::fmt::Display| {
            format!(
                "{}: {e}",
                crate::safe_text::escape_control(&path.display().to_string())
            )
        };
        if path.as_os_str() == "-" {
            self.staged
                .push((path.to_path_buf(), Destination::Stdout, bytes));
            return Ok(());
        }
        let target = resolve_links(path).map_err(|e| fail(&e))?;
        let existing = fs::metadata(&target).ok();
        if let Some(meta) = &existing {
            if meta.is_dir() {
                return Err(fail(&"a folder, not a file"));
            }
            if !meta.is_file() {
                self.staged
                    .push((path.to_path_buf(), Destination::Stream(target), bytes));
                return Ok(());
            }
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| fail(&"not a file name"))?;
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".gpa-tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A new file gets the usual 0666 less the umask, as File::create would give it.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let mut temp = builder.tempfile_in(&dir).map_err(|e| fail(&e))?;
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(temp.path().to_path_buf());
        }
        let written = temp
            .write_all(&bytes)
            .and_then(|()| match &existing {
                // The rewritten file keeps its mode (a 0600 report stays 0600).
                Some(meta) => temp.as_file().set_permissions(meta.permissions()),
                None => Ok(()),
            })
            .and_then(|()| temp.as_file().sync_all());
        let temp = temp.into_temp_path();
        if let Err(e) = written {
            forget_pending(&temp);
            return Err(fail(&e));
        }
        self.staged.push((
            path.to_path_buf(),
            Destination::File { temp, target },
            bytes,
        ));
        Ok(())
    }

    /// Renames every staged file over its target, then writes the streams. Stops at the first
    /// failure and puts back what the run had already replaced: each target that existed is
    /// hard-linked to a hidden name beside it before the rename, and that link is renamed back
    /// (a target that did not exist is removed), so a failed run leaves every output as it was.
    /// Streams and standard output cannot be taken back, so they are written first: when one
    /// fails, or the run is interrupted while a reader keeps a pipe waiting, no file has been
    /// replaced yet.
    pub fn commit(self) -> Result<(), String> {
        let mut streams = Vec::new();
        let mut files = Vec::new();
        for (path, destination, bytes) in self.staged {
            match destination {
                Destination::File { temp, target } => files.push((path, temp, target)),
                other => streams.push((path, other, bytes)),
            }
        }
        let fail = |path: &Path, e: std::io::Error| {
            format!(
                "{}: {e}",
                crate::safe_text::escape_control(&path.display().to_string())
            )
        };

        for (path, destination, bytes) in streams {
            match destination {
                Destination::Stdout => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes)
                        .and_then(|()| out.flush())
                        .map_err(|e| fail(&path, e))?;
                }
                Destination::Stream(target) => OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .and_then(|mut f: File| f.write_all(&bytes))
                    .map_err(|e| fail(&path, e))?,
                Destination::File { .. } => {}
            }
        }

        // The targets replaced so far, each with the link to its former file (None: new file).
        let mut replaced: Vec<(PathBuf, Option<tempfile::NamedTempFile<()>>)> = Vec::new();
        let mut failure = None;
        let mut files = files.into_iter();
        for (path, temp, target) in files.by_ref() {
            let temp_path = temp.to_path_buf();
            let previous = match keep_previous(&target) {
                Ok(previous) => previous,
                Err(e) => {
                    forget_pending(&temp_path);
                    failure = Some(fail(&path, e));
                    break;
                }
            };
            let renamed = temp.persist(&target);
            forget_pending(&temp_path);
            match renamed {
                Ok(()) => replaced.push((target, previous)),
                Err(e) => {
                    failure = Some(fail(&path, e.error));
                    break;
                }
            }
        }
        if let Some(failure) = failure {
            // The temporary files not reached are removed as their TempPaths drop.
            for (_, temp, _) in files {
                forget_pending(&temp);
            }
            let mut not_restored = Vec::new();
            for (target, previous) in replaced.into_iter().rev() {
                let restored = match previous {
                    Some(link) => link.persist(&target).map(|_| ()).map_err(|e| e.error),
                    None => fs::remove_file(&target),
                };
                if let Err(e) = restored {
                    not_restored.push(format!(
                        "{}: {e}",
                        crate::safe_text::escape_control(&target.display().to_string())
                    ));
                }
            }
            return Err(if not_restored.is_empty() {
                format!("{failure}; the outputs already replaced were put back")
            } else {
                format!("{failure}; could not put back: {}", not_restored.join("; "))
            });
        }
        // Every file is in place: the links to the former files go as they drop.
        drop(replaced);
        Ok(())
    }
}

/// A hard link to the file at `target`, under a random hidden name in its folder, so that the
/// file can be put back if the run fails after replacing it; None when there is no regular file
/// there yet. The link is a temporary file: it goes when dropped.
fn keep_previous(target: &Path) -> std::io::Result<Option<tempfile::NamedTempFile<()>>> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".gpa-previous-")
        .make_in(dir, |path| fs::hard_link(target, path))
        .map(Some)
}

/// The file a path finally names: symbolic links followed (an existing target resolved fully;
/// a link to a file not yet there, to that file beside the link).
fn resolve_links(path: &Path) -> Result<PathBuf, String> {
    let mut current = path.to_path_buf();
    // The kernel gives up after 40 links; so do we, and say why.
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current).map_err(|e| e.to_string())?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err("too many levels of symbolic links".to_string())
}

/// Writes one file as [`Outputs`] does (stage, then commit).
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut outputs = Outputs::new();
    outputs.stage(path, bytes.to_vec())?;
    outputs.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_that_fails_after_another_puts_the_first_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("report.csv");
        let second = dir.path().join("report.json");
        let third = dir.path().join("new.html");
        fs::write(&first, "old csv").unwrap();
        let mut outputs = Outputs::new();
        outputs.stage(&first, b"new csv".to_vec()).unwrap();
        outputs.stage(&third, b"new html".to_vec()).unwrap();
        outputs.stage(&second, b"new json".to_vec()).unwrap();
        // Between staging and renaming, a non-empty folder takes the last target's name: its
        // rename fails after the first two succeeded.
        fs::create_dir(&second).unwrap();
        fs::write(second.join("keep"), "x").unwrap();
        let error = outputs.commit().unwrap_err();
        assert!(error.contains("report.json"), "{error}");
        assert!(error.contains("put back"), "{error}");
        assert_eq!(fs::read_to_string(&first).unwrap(), "old csv");
        assert!(!third.exists(), "a new output is removed again");
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["report.csv", "report.json"]);
    }

    #[test]
    fn a_failed_stage_replaces_nothing_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("report.csv");
        fs::write(&good, "old").unwrap();
        let mut outputs = Outputs::new();
        outputs.stage(&good, b"new".to_vec()).unwrap();
        let err = outputs
            .stage(&dir.path().join("missing/report.json"), b"{}".to_vec())
            .unwrap_err();
        assert!(err.contains("missing/report.json"), "{err}");
        drop(outputs);
        assert_eq!(fs::read_to_string(&good).unwrap(), "old");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_writes_its_target_and_the_mode_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_file_atomically(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
