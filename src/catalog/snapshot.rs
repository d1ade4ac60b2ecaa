//! Which releases of the sources a catalog build holds: the template set, the DDF, the settings
//! catalog definitions, each with its date and where it came from.
//!
//! The sources carry no such dates themselves (DDF files and definitions name no release), so the
//! snapshot is kept by hand beside the build, in `snapshot.json`, from the corpus's own record of
//! each source. It is believed only when its folders are the build's folders: a catalog rebuilt
//! from other sources without a new snapshot is reported without one, never with a wrong date.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::BuildInfo;

/// The snapshot file inside a catalog folder (`admx-catalog/snapshot.json`).
pub const SNAPSHOT_FILE: &str = "snapshot.json";

static EMBEDDED_TEXT: &str = include_str!("../../admx-catalog/snapshot.json");

/// The release of each source of a catalog build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// The ADMX/ADML template set.
    pub templates: SnapshotPart,
    /// The CSP DDF files.
    pub ddf: SnapshotPart,
    /// The settings catalog definitions.
    pub definitions: SnapshotPart,
}

/// One source: what it is, its date, where it came from and the build folders it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotPart {
    pub what: String,
    /// The release or capture date, as precise as the source states it (`2025-02`, `2026-08-21`).
    pub date: String,
    /// Repository and commit.
    pub source: String,
    /// The folders of the build (relative to the corpus) this part describes; not repeated in
    /// reports, which list the build's folders beside the snapshot.
    #[serde(skip_serializing)]
    pub folders: Vec<String>,
}

impl Snapshot {
    /// The snapshot committed beside the embedded catalog.
    pub fn embedded() -> Result<Snapshot, String> {
        serde_json::from_str(EMBEDDED_TEXT).map_err(|e| format!("embedded {SNAPSHOT_FILE}: {e}"))
    }

    /// The snapshot of a catalog folder; None when it has none.
    pub fn read_dir(dir: &Path) -> Option<Result<Snapshot, String>> {
        let path = dir.join(SNAPSHOT_FILE);
        if !path.exists() {
            return None;
        }
        Some(
            crate::input::fs_read::read_file(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", path.display())),
        )
    }

    /// The snapshot describes exactly the folders this build was made from.
    pub fn fits(&self, build: &BuildInfo) -> bool {
        self.templates.folders == build.admx_folders
            && self.ddf.folders == build.ddf_folders
            && self.definitions.folders == [build.definitions_folder.clone()]
    }

    /// One line: `DDF 2025-02, settings catalog definitions 2026-08-21, templates 2025-12-14`.
    pub fn summary(&self) -> String {
        format!(
            "DDF {}, settings catalog definitions {}, templates {}",
            self.ddf.date, self.definitions.date, self.templates.date
        )
    }
}

/// The snapshot of the catalog in use: the embedded one's, or that of the `--catalog` folder when
/// it has one that fits its build. None when unknown.
pub fn of_catalog(dir: Option<&Path>, build: &BuildInfo) -> Option<Snapshot> {
    let snapshot = match dir {
        None => Snapshot::embedded().ok()?,
        Some(dir) => Snapshot::read_dir(dir)?.ok()?,
    };
    snapshot.fits(build).then_some(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed snapshot describes the committed build: rebuilding the catalog from other
    /// sources without updating `snapshot.json` fails here.
    #[test]
    fn the_embedded_snapshot_fits_the_embedded_build() {
        let snapshot = Snapshot::embedded().expect("snapshot.json");
        let build = crate::catalog::Catalog::embedded()
            .expect("embedded catalog")
            .build_info();
        assert!(snapshot.fits(build), "{snapshot:?}\n{build:?}");
        assert_eq!(
            snapshot.summary(),
            "DDF 2025-02, settings catalog definitions 2026-08-21, templates 2025-12-14"
        );
        let mut other = build.clone();
        other.ddf_folders = vec!["ddf/pl4nty-windows-ddf-20H2".to_string()];
        assert!(!snapshot.fits(&other));
        assert_eq!(of_catalog(None, &other), None);
        assert_eq!(of_catalog(None, build), Some(snapshot));
    }
}
