//! The `convert --out` folder: what gpa wrote there before, what else is there, and what goes.
//!
//! The README's import loop uploads every `*.json` of the folder, so a folder reused for a new
//! run must not keep the policies of an earlier one, nor hold JSON files of someone else's. gpa
//! knows its own files from the `conversion-summary.json` it wrote last time (its `policies[].file`
//! names); anything else in the folder is not its own. Without `--replace` a folder holding files
//! gpa did not write is refused; with it, those `*.json` files are removed after the new run is
//! written (other files are left alone).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::convert::SUMMARY_FILE;

/// What the folder holds before a run.
#[derive(Debug, Default)]
pub struct OutDir {
    /// Policy files an earlier run of gpa wrote (named by its conversion-summary.json).
    pub earlier: BTreeSet<String>,
    /// Entries gpa did not write, by name.
    pub foreign: Vec<String>,
}

/// Lists `dir` (missing is fine: nothing there yet). Symbolic links and folders inside are
/// entries like any other; nothing is followed.
pub fn survey(dir: &Path) -> Result<OutDir, String> {
    let mut out = OutDir::default();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e.to_string()),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    if names.iter().any(|n| n == SUMMARY_FILE) {
        out.earlier = earlier_policies(&dir.join(SUMMARY_FILE))?;
    }
    out.foreign = names
        .into_iter()
        .filter(|n| n != SUMMARY_FILE && !out.earlier.contains(n))
        .collect();
    Ok(out)
}

/// The policy file names a conversion-summary.json lists. Only plain `*.json` names count: a
/// summary edited to name `../x` or a hidden file cannot make gpa remove anything else.
fn earlier_policies(summary: &Path) -> Result<BTreeSet<String>, String> {
    let bytes = crate::input::fs_read::read_file(summary)
        .map_err(|e| format!("{}: {e}", summary.display()))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: not a conversion summary gpa wrote ({e}); remove it, or give another folder",
            summary.display()
        )
    })?;
    if value.pointer("/generator/name").and_then(|v| v.as_str()) != Some("gpa") {
        return Err(format!(
            "{}: not a conversion summary gpa wrote (no generator \"gpa\")",
            summary.display()
        ));
    }
    Ok(value
        .get("policies")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("file").and_then(|f| f.as_str()))
        .filter(|name| is_plain_json_name(name))
        .map(str::to_string)
        .collect())
}

fn is_plain_json_name(name: &str) -> bool {
    Path::new(name).file_name().and_then(|n| n.to_str()) == Some(name)
        && !name.starts_with('.')
        && name.to_ascii_lowercase().ends_with(".json")
}

/// The files to remove once the new run is written: the earlier run's policies it does not write
/// again and, with `replace`, the foreign `*.json` files. Folders and links are never removed
/// (a link is removed as a link, not followed).
pub fn to_remove(before: &OutDir, written: &BTreeSet<String>, replace: bool) -> Vec<String> {
    let mut out: Vec<String> = before
        .earlier
        .iter()
        .filter(|n| !written.contains(*n))
        .cloned()
        .collect();
    if replace {
        out.extend(
            before
                .foreign
                .iter()
                .filter(|n| is_plain_json_name(n) && !written.contains(*n))
                .cloned(),
        );
    }
    out.sort();
    out
}

/// Removes `names` from `dir`: regular files and links only. Returns the failures.
pub fn remove(dir: &Path, names: &[String]) -> Vec<String> {
    let mut errors = Vec::new();
    for name in names {
        let path: PathBuf = dir.join(name);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() || meta.file_type().is_symlink() => {
                if let Err(e) = fs::remove_file(&path) {
                    errors.push(format!("{}: cannot remove: {e}", path.display()));
                }
            }
            _ => {}
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_json_names_are_ever_removed() {
        assert!(is_plain_json_name("MSFT Windows 10 1909 - Computer.json"));
        assert!(!is_plain_json_name("../passwd.json"));
        assert!(!is_plain_json_name("/etc/x.json"));
        assert!(!is_plain_json_name(".hidden.json"));
        assert!(!is_plain_json_name("notes.txt"));
    }

    #[test]
    fn earlier_policies_not_written_again_go_foreign_ones_only_when_replacing() {
        let before = OutDir {
            earlier: BTreeSet::from(["a.json".to_string(), "b.json".to_string()]),
            foreign: vec!["mine.json".to_string(), "notes.txt".to_string()],
        };
        let written = BTreeSet::from(["a.json".to_string()]);
        assert_eq!(to_remove(&before, &written, false), ["b.json"]);
        assert_eq!(to_remove(&before, &written, true), ["b.json", "mine.json"]);
    }
}
