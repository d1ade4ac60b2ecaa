//! Readers: one module per file format a GPO export is made of, each producing [`crate::model`]
//! types. [`discover`] walks the paths a user gives and decides which readers apply.

pub mod accounts;
pub mod audit_csv;
pub mod backup;
pub mod discover;
pub mod gpreport;
pub mod gpttmpl;
pub mod ini;
pub mod preferences;
pub mod reconcile;
pub mod registry_pol;
pub mod text;
pub mod xml;

use std::path::PathBuf;

/// A file that could not be read, with what is wrong with it. Reading goes on with the other files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct InputError {
    pub path: PathBuf,
    pub reason: String,
}

impl InputError {
    pub fn new(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
