//! Reading input files safely: regular files only, never more than a size limit.
//!
//! Input trees are copied from servers and unpacked from archives, and may sit in folders others
//! can write to. A FIFO (or one named `registry.pol`) would block a read forever, a device is no
//! export at all, and one oversized file must not take the memory of the whole run. Every input
//! file gpa reads goes through [`read_file`] (or [`read_head`] to sniff a report).

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default per-file limit: 256 MiB. The largest real gpreport.xml files are tens of MB (GPMC
/// writes UTF-16, so a GPO with thousands of settings doubles); Intune's own upload limit is
/// 4 MB. Raise it with `--max-file-size`.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

static MAX_FILE_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_BYTES);

/// Sets the per-file limit for the rest of the run (the CLI's `--max-file-size`).
pub fn set_max_file_bytes(limit: u64) {
    MAX_FILE_BYTES.store(limit, Ordering::Relaxed);
}

/// The per-file limit in force.
pub fn max_file_bytes() -> u64 {
    MAX_FILE_BYTES.load(Ordering::Relaxed)
}

/// What a directory entry that is not a regular file or folder is, in words.
pub fn special_kind(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
    }
    Some("not a regular file")
}

/// Opens `path` for reading when it is a regular file within the limit. The type is checked
/// before opening (opening a device can have effects) and again on the open file, which is
/// opened non-blocking so that a FIFO swapped in between cannot block the run.
fn open_regular(path: &Path) -> Result<(File, u64), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("a folder, not a file".to_string());
    }
    if let Some(kind) = special_kind(&meta) {
        return Err(format!("{kind}, not a regular file: skipped"));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if let Some(kind) = special_kind(&meta) {
        return Err(format!("{kind}, not a regular file: skipped"));
    }
    Ok((file, meta.len()))
}

/// A regular file opened for reading, with its length, for readers that stream it (archives);
/// the same checks as [`read_file`], without the size limit.
pub fn open_regular_file(path: &Path) -> Result<(File, u64), String> {
    open_regular(path)
}

/// The whole of a regular file, when it is no larger than the limit. The read is bounded too, so
/// a file that grows while it is read cannot exceed it.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let limit = max_file_bytes();
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(too_large(len, limit));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// The first `max` bytes of a regular file (whatever its size: sniffing reads only the head).
pub fn read_head(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let (file, _) = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

fn too_large(len: u64, limit: u64) -> String {
    format!(
        "{len} bytes, over the {} MiB limit per file: skipped (raise it with --max-file-size)",
        limit / (1024 * 1024)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_and_a_missing_file_are_errors_not_panics() {
        let dir = std::env::temp_dir();
        assert_eq!(read_file(&dir).unwrap_err(), "a folder, not a file");
        assert!(read_file(&dir.join("gpa-no-such-file-here")).is_err());
    }
}
