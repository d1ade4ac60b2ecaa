//! Readers: one module per file format a GPO export is made of, each producing [`crate::model`]
//! types. [`discover`] walks the paths a user gives and decides which readers apply.

pub mod accounts;
pub mod archive;
pub mod audit_csv;
pub mod backup;
pub mod damage;
pub mod derived_guid;
pub mod discover;
pub mod fs_read;
pub mod gpreport;
pub mod gpttmpl;
pub mod ini;
pub mod intune_policy;
pub mod lgpo_text;
pub mod policy_rules;
pub mod preferences;
pub mod reconcile;
pub mod registry_pol;
pub mod select;
pub mod text;
pub mod xml;

use std::path::PathBuf;

/// A file that could not be read, with what is wrong with it. Reading goes on with the other files.
///
/// Shown as `PATH: REASON` with control characters of both escaped (a folder name with a newline
/// must not forge a second `gpa: …` line); the reason is cut to
/// [`crate::safe_text::MESSAGE_CHARS`] characters when it is made, so an error that quotes its
/// input (a parser echoing a 10 MB line) stays one short line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}: {}",
    crate::safe_text::escape_control(&path.display().to_string()),
    crate::safe_text::escape_control(reason)
)]
pub struct InputError {
    pub path: PathBuf,
    pub reason: String,
}

impl InputError {
    pub fn new(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            reason: crate::safe_text::excerpt(&reason.into(), crate::safe_text::MESSAGE_CHARS),
        }
    }
}
