//! registry.pol (PReg v1), formats.md §2.

use crate::model::{Scope, Setting};

/// Reads a registry.pol file into settings of the given scope (Machine → Device, User → User),
/// in file order. `file` is the path recorded in each setting's source.
pub fn read_settings(bytes: &[u8], scope: Scope, file: &str) -> Result<Vec<Setting>, String> {
    let _ = (bytes, scope, file);
    Ok(Vec::new())
}
