//! Coverage reports of an [`Analysis`]: the per-GPO figures every output shares, and the CSV,
//! JSON, HTML, XLSX and terminal forms.

pub mod compare;
pub mod csv;
pub mod diff;
pub mod html;
pub mod json;
pub mod legend;
pub mod settings_table;
pub mod summary;
pub mod xlsx;

use std::path::Path;

use std::borrow::Cow;

use crate::matching::analyze::{MatchedSetting, Overlap, OverlapEntry, Readiness};

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

/// Writes `bytes` to `path` through an exclusive temporary file and a rename, so a failed run
/// never leaves a half-written report over a good one; see [`crate::output`] for links, streams,
/// `-` and several outputs replaced together.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::output::write_file_atomically(path, bytes)
}

/// The damage record of the file a row was read from, when that file was read only in part.
pub fn damage_of<'a>(gpo: &'a crate::model::Gpo, file: &str) -> Option<&'a crate::model::Damage> {
    gpo.damage.iter().find(|d| d.file == file)
}

/// `Device` / `User`, as Intune's Scope column says it.
pub fn scope_text(row: &MatchedSetting) -> &'static str {
    scope_name(row.scope)
}

/// `Device` / `User`.
pub fn scope_name(scope: crate::model::Scope) -> &'static str {
    match scope {
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

/// A GPO of an overlap by its name, with its domain when another GPO of the overlap has the same
/// name (the Default Domain Policy of two domains).
pub fn overlap_gpo_label<'a>(overlap: &Overlap, entry: &'a OverlapEntry) -> Cow<'a, str> {
    let namesake = overlap
        .gpos
        .iter()
        .any(|e| e.gpo_name == entry.gpo_name && e.domain != entry.domain);
    match (&entry.domain, namesake) {
        (Some(domain), true) => Cow::Owned(format!("{} ({domain})", entry.gpo_name)),
        _ => Cow::Borrowed(&entry.gpo_name),
    }
}
