//! What a run was: the gpa version, the catalog it matched against, the inputs as given and the
//! time. Built once per run and handed to every report writer, so the JSON, HTML and XLSX
//! reports say the same thing.
//!
//! The time is `SOURCE_DATE_EPOCH` when that is set (the reproducible-builds convention), so the
//! same inputs give the same bytes; otherwise the clock's.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::catalog::snapshot::{self, Snapshot};

/// The environment variable that fixes the run time (seconds since 1970-01-01 UTC).
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The metadata every report carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    pub gpa_version: &'static str,
    /// The run time, RFC 3339 in UTC (`2024-05-01T12:00:00Z`).
    pub time: String,
    /// Where the time came from.
    pub time_source: TimeSource,
    /// The paths given on the command line, as given.
    pub inputs: Vec<String>,
    pub catalog: CatalogInfo,
    /// The run time in seconds since 1970-01-01 UTC.
    #[serde(skip)]
    pub unix_time: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeSource {
    /// The `SOURCE_DATE_EPOCH` environment variable.
    #[serde(rename = "SOURCE_DATE_EPOCH")]
    SourceDateEpoch,
    /// The system clock.
    #[serde(rename = "clock")]
    Clock,
}

/// The catalog matched against: where it was read from, what it was built from, its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogInfo {
    /// `embedded`, or the folder given to `--catalog`.
    pub source: String,
    /// The release of each source, when recorded for this build.
    pub snapshot: Option<Snapshot>,
    /// The build's source folders, relative to the corpus.
    pub template_folders: Vec<String>,
    pub ddf_folders: Vec<String>,
    pub definitions_folder: String,
    pub admx_policies: usize,
    pub csp_nodes: usize,
    pub definitions: usize,
    pub links: usize,
}

impl CatalogInfo {
    /// `catalog_dir` is the `--catalog` folder, None for the embedded catalog.
    pub fn of(catalog: &Catalog, catalog_dir: Option<&Path>) -> CatalogInfo {
        let build = catalog.build_info();
        CatalogInfo {
            source: catalog_dir.map_or_else(|| "embedded".to_string(), |d| d.display().to_string()),
            snapshot: snapshot::of_catalog(catalog_dir, build),
            template_folders: build.admx_folders.clone(),
            ddf_folders: build.ddf_folders.clone(),
            definitions_folder: build.definitions_folder.clone(),
            admx_policies: build.admx_policies,
            csp_nodes: build.ddf_nodes_kept,
            definitions: build.definitions,
            links: build.links,
        }
    }

    /// One line for people: the snapshot's dates, else the source folders.
    pub fn summary(&self) -> String {
        match &self.snapshot {
            Some(s) => s.summary(),
            None => format!(
                "built from {}; {}; templates {}",
                self.ddf_folders.join(", "),
                self.definitions_folder,
                self.template_folders.join(", ")
            ),
        }
    }
}

impl RunInfo {
    /// The metadata of a run over `inputs` against `catalog`, timed now or at
    /// `SOURCE_DATE_EPOCH`. Errs when `SOURCE_DATE_EPOCH` is set but is not a count of seconds
    /// (the convention asks tools to refuse it rather than guess).
    pub fn new(
        inputs: &[PathBuf],
        catalog: &Catalog,
        catalog_dir: Option<&Path>,
    ) -> Result<RunInfo, String> {
        let (unix_time, time_source) = run_time(std::env::var_os(SOURCE_DATE_EPOCH))?;
        Ok(RunInfo::at(
            unix_time,
            time_source,
            inputs,
            catalog,
            catalog_dir,
        ))
    }

    /// The metadata of a run at a given time (seconds since 1970-01-01 UTC).
    pub fn at(
        unix_time: i64,
        time_source: TimeSource,
        inputs: &[PathBuf],
        catalog: &Catalog,
        catalog_dir: Option<&Path>,
    ) -> RunInfo {
        RunInfo {
            gpa_version: env!("CARGO_PKG_VERSION"),
            time: rfc3339(unix_time),
            time_source,
            inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
            catalog: CatalogInfo::of(catalog, catalog_dir),
            unix_time,
        }
    }
}

/// The run time from `SOURCE_DATE_EPOCH`'s value, else the clock.
fn run_time(source_date_epoch: Option<std::ffi::OsString>) -> Result<(i64, TimeSource), String> {
    if let Some(value) = source_date_epoch {
        let text = value.to_string_lossy();
        return match text.trim().parse::<i64>() {
            Ok(seconds) if (0..=MAX_SECONDS).contains(&seconds) => {
                Ok((seconds, TimeSource::SourceDateEpoch))
            }
            _ => Err(format!(
                "{SOURCE_DATE_EPOCH} must be a whole number of seconds since 1970-01-01 up to the year 9999, not {:?}",
                crate::safe_text::escape_control(&text)
            )),
        };
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    Ok((seconds, TimeSource::Clock))
}

/// 9999-12-31T23:59:59Z: RFC 3339 has four-digit years.
const MAX_SECONDS: i64 = 253_402_300_799;

/// `seconds` since 1970-01-01 UTC as RFC 3339 (`1970-01-01T00:00:00Z`).
pub fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(rfc3339(MAX_SECONDS), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn source_date_epoch_fixes_the_time_and_is_checked() {
        assert_eq!(
            run_time(Some("1700000000".into())),
            Ok((1_700_000_000, TimeSource::SourceDateEpoch))
        );
        for bad in ["", "-1", "1.5", "yesterday", "253402300800"] {
            assert!(run_time(Some(bad.into())).is_err(), "{bad:?}");
        }
        let (now, source) = run_time(None).unwrap();
        assert_eq!(source, TimeSource::Clock);
        assert!(now > 1_700_000_000);
    }
}
