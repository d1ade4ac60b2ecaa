//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The real-data corpus beside the checkout (`../shared/corpus`), or `GPA_CORPUS` when set.
/// Returns None, after printing why, when it is absent: corpus tests then skip. When
/// `GPA_REQUIRE_CORPUS` is set (CI sets it), a missing corpus fails the test instead, so that no
/// corpus test can pass by skipping.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("GPA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("GPA_REQUIRE_CORPUS").is_some() {
        panic!(
            "GPA_REQUIRE_CORPUS is set but the corpus is not at {} (set GPA_CORPUS or put shared/ beside the checkout)",
            dir.display()
        );
    } else {
        eprintln!(
            "SKIP: corpus not found at {} (set GPA_CORPUS or put shared/ beside the checkout)",
            dir.display()
        );
        None
    }
}

/// The small fixtures shipped with the repository.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-gpos")
}
