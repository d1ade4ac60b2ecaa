//! Coverage reports of an [`Analysis`]: the per-GPO figures every output shares, and the CSV,
//! JSON, HTML and terminal forms.

pub mod csv;
pub mod html;
pub mod json;
pub mod summary;

use std::io::Write;
use std::path::Path;

use crate::matching::analyze::{MatchedSetting, Readiness};

pub use summary::{GpoFigures, figures};

/// The program that wrote a report or a conversion summary, named in its JSON.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

impl Generator {
    pub const GPA: Generator = Generator {
        name: "gpa",
        version: env!("CARGO_PKG_VERSION"),
    };
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// failed run never leaves a half-written report over a good one.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let temp = dir.join(format!(".{name}.gpa-{}.tmp", std::process::id()));
    let result = std::fs::File::create(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("{}: {e}", path.display())
    })
}

/// The damage record of the file a row was read from, when that file was read only in part.
pub fn damage_of<'a>(gpo: &'a crate::model::Gpo, file: &str) -> Option<&'a crate::model::Damage> {
    gpo.damage.iter().find(|d| d.file == file)
}

/// `Device` / `User`, as Intune's Scope column says it.
pub fn scope_text(row: &MatchedSetting) -> &'static str {
    match row.scope {
        crate::model::Scope::Device => "Device",
        crate::model::Scope::User => "User",
    }
}

/// Intune's "MDM Support" column.
pub fn mdm_support_text(readiness: Readiness) -> &'static str {
    if readiness.mdm_supported() {
        "Yes"
    } else {
        "No"
    }
}
