//! The workbook report (`--xlsx`), read back with calamine; the run metadata of the JSON report;
//! and GPOs told apart by GUID within their domain.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};

const EPOCH: &str = "1700000000";
const EPOCH_TIME: &str = "2023-11-14T22:13:20Z";

struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("gpa-workbook-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `gpa analyze` with SOURCE_DATE_EPOCH set; its stdout.
fn analyze(epoch: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .env("SOURCE_DATE_EPOCH", epoch)
        .arg("analyze")
        .args(args)
        .output()
        .expect("run gpa");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook(path).expect("open the workbook");
    let range = workbook.worksheet_range(name).expect(name);
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn sct_1909_workbook_has_the_csv_rows_and_the_same_bytes_every_run() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let scratch = Scratch::new("sct");
    let sct = corpus.join("gpo-backups/msft-sct-windows10-1909");
    let (xlsx, again, later, csv, json) = (
        scratch.0.join("report.xlsx"),
        scratch.0.join("again.xlsx"),
        scratch.0.join("later.xlsx"),
        scratch.0.join("report.csv"),
        scratch.0.join("report.json"),
    );
    analyze(
        EPOCH,
        &[
            sct.as_os_str(),
            "--xlsx".as_ref(),
            xlsx.as_os_str(),
            "--csv".as_ref(),
            csv.as_os_str(),
            "--json".as_ref(),
            json.as_os_str(),
        ],
    );

    let workbook: Xlsx<_> = open_workbook(&xlsx).expect("open the workbook");
    assert_eq!(
        workbook.sheet_names(),
        [
            "Summary",
            "Settings",
            "Conflicts and duplicates",
            "Does not migrate"
        ]
    );

    // Settings: the CSV's header and rows; a cell differs only by the apostrophe the CSV puts
    // before a text a spreadsheet would run.
    let (csv_header, csv_rows) = csv_rows(&csv);
    let settings = sheet(&xlsx, "Settings");
    assert_eq!(settings[0], csv_header);
    assert_eq!(settings[0][20], "Domain");
    assert_eq!(settings.len() - 1, csv_rows.len());
    assert_eq!(csv_rows.len(), 607);
    for (cells, fields) in settings[1..].iter().zip(&csv_rows) {
        let neutralised: Vec<String> = cells
            .iter()
            .map(|c| gpa::report::csv::excel_safe(c).into_owned())
            .collect();
        assert_eq!(&neutralised, fields);
    }
    assert!(settings[1..].iter().all(|r| r[20] == "security.local"));

    // Summary: 11 GPOs and the totals the terminal shows, then the run.
    let summary = sheet(&xlsx, "Summary");
    assert_eq!(
        summary[0][..12],
        [
            "GPO Name",
            "GPO GUID",
            "Domain",
            "Settings",
            "MDM Support",
            "Ready",
            "Deprecated",
            "Needs review",
            "Custom OMA-URI",
            "Not supported",
            "Not applicable",
            "Unknown"
        ]
    );
    let computer = summary
        .iter()
        .find(|r| r[0] == "MSFT Windows 10 1909 - Computer")
        .expect("the Computer GPO");
    assert_eq!(
        computer[2..12],
        [
            "security.local",
            "171",
            "1",
            "162",
            "0",
            "8",
            "1",
            "0",
            "0",
            "0"
        ]
    );
    let total = &summary[12];
    assert_eq!(total[0], "Total (11 GPOs)");
    assert_eq!(
        total[3..12],
        ["607", "0.99", "565", "0", "24", "14", "4", "0", "0"]
    );
    let labelled = |label: &str| -> Vec<&str> {
        summary
            .iter()
            .filter(|r| r[0] == label)
            .map(|r| r[1].as_str())
            .collect()
    };
    assert_eq!(labelled("Run time"), [EPOCH_TIME]);
    assert_eq!(
        labelled("Generated by"),
        [format!("gpa {}", env!("CARGO_PKG_VERSION"))]
    );
    assert_eq!(
        labelled("Catalog"),
        ["DDF 2025-02, settings catalog definitions 2026-08-21, templates 2025-12-14"]
    );
    assert_eq!(labelled("Input"), [sct.display().to_string()]);
    for e in gpa::report::legend::LEGEND {
        let row = summary
            .iter()
            .find(|r| r[0] == e.readiness.text() && r[1] == e.next_step && r[2] == e.meaning);
        assert!(row.is_some(), "legend row of {}", e.readiness.text());
    }

    // Conflicts and duplicates: one row per setting and GPO, as the JSON's overlaps list them.
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let overlaps = report["overlaps"].as_array().unwrap();
    assert_eq!(overlaps.len(), 142);
    let entries: usize = overlaps
        .iter()
        .map(|o| o["gpos"].as_array().unwrap().len())
        .sum();
    let across = sheet(&xlsx, "Conflicts and duplicates");
    assert_eq!(across.len() - 1, entries);
    let conflict_rows = across[1..].iter().filter(|r| r[2] == "Conflict").count();
    let conflict_entries: usize = overlaps
        .iter()
        .filter(|o| o["kind"] == "conflict")
        .map(|o| o["gpos"].as_array().unwrap().len())
        .sum();
    assert_eq!(conflict_rows, conflict_entries);
    assert!(
        across[1..=conflict_rows]
            .iter()
            .all(|r| r[2] == "Conflict" && r[3] == "No")
    );
    assert!(
        across[conflict_rows + 1..]
            .iter()
            .all(|r| r[2] == "Duplicate" && r[3] == "Yes")
    );

    // Does not migrate: the Not supported and Not applicable rows with their reasons.
    let gone = sheet(&xlsx, "Does not migrate");
    let expected: Vec<(&str, &str, &str)> = csv_rows
        .iter()
        .filter(|r| r[7] == "Not supported" || r[7] == "Not applicable")
        .map(|r| (r[2].as_str(), r[7].as_str(), r[17].as_str()))
        .collect();
    assert_eq!(expected.len(), 4);
    let found: Vec<(&str, &str, &str)> = gone[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[6].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(found, expected);

    // The same input and SOURCE_DATE_EPOCH give the same bytes, on one thread or many; another
    // time gives other bytes (the time is in the document's properties).
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("RAYON_NUM_THREADS", "1")
        .arg("analyze")
        .arg(&sct)
        .arg("--xlsx")
        .arg(&again)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::read(&xlsx).unwrap() == std::fs::read(&again).unwrap());
    analyze(
        "1700000060",
        &[sct.as_os_str(), "--xlsx".as_ref(), later.as_os_str()],
    );
    assert!(std::fs::read(&xlsx).unwrap() != std::fs::read(&later).unwrap());
}

#[test]
fn json_run_metadata_is_present_and_stable() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let scratch = Scratch::new("run");
    let sct = corpus.join("gpo-backups/msft-sct-windows10-1909");
    let (first, second) = (scratch.0.join("first.json"), scratch.0.join("second.json"));
    for path in [&first, &second] {
        analyze(
            EPOCH,
            &[sct.as_os_str(), "--json".as_ref(), path.as_os_str()],
        );
    }
    let bytes = std::fs::read(&first).unwrap();
    assert!(bytes == std::fs::read(&second).unwrap(), "same bytes");
    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let run = &report["run"];
    assert_eq!(run["gpaVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["time"], EPOCH_TIME);
    assert_eq!(run["timeSource"], "SOURCE_DATE_EPOCH");
    assert_eq!(
        run["inputs"],
        serde_json::json!([sct.display().to_string()])
    );
    let catalog = &run["catalog"];
    assert_eq!(catalog["source"], "embedded");
    assert_eq!(catalog["snapshot"]["ddf"]["date"], "2025-02");
    assert_eq!(catalog["snapshot"]["definitions"]["date"], "2026-08-21");
    assert_eq!(catalog["snapshot"]["templates"]["date"], "2025-12-14");
    assert_eq!(
        catalog["ddfFolders"],
        serde_json::json!(["ddf/pl4nty-windows-ddf-2025-02"])
    );
    assert_eq!(catalog["definitions"], 15135);
    assert_eq!(catalog["links"], 7220);

    // Without SOURCE_DATE_EPOCH the clock gives the time; a malformed one is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .env_remove("SOURCE_DATE_EPOCH")
        .arg("analyze")
        .arg(&sct)
        .arg("--json")
        .arg("-")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["run"]["timeSource"], "clock");
    assert!(report["run"]["time"].as_str().unwrap() > "2026-01-01");
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .env("SOURCE_DATE_EPOCH", "last tuesday")
        .arg("analyze")
        .arg(&sct)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH must be"));
}

/// UTF-16LE text with a byte order mark, as gpreport.xml is written.
fn utf16_replace(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap().replace(from, to);
    let mut out = vec![0xff, 0xfe];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

/// Copies a backup folder, writing `domain` wherever its files name `security.local`.
fn copy_backup(from: &Path, to: &Path, domain: &str) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_backup(&entry.path(), &target, domain);
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let name = entry.file_name().to_string_lossy().to_lowercase();
        let bytes = match name.as_str() {
            "gpreport.xml" => utf16_replace(&bytes, "security.local", domain),
            "bkupinfo.xml" | "backup.xml" => String::from_utf8(bytes)
                .unwrap()
                .replace("security.local", domain)
                .into_bytes(),
            _ => bytes,
        };
        std::fs::write(target, bytes).unwrap();
    }
}

#[test]
fn one_guid_in_two_domains_is_two_gpos() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let scratch = Scratch::new("domains");
    // MSFT Windows 10 1909 and Server 1909 - Domain Security: 7 settings.
    let backup = "{6458B19A-73D5-4F93-8841-DA93A72F18F5}";
    let guid = "{1D0386B8-0F5B-4698-AF02-CAE2E52A4592}";
    let source = corpus
        .join("gpo-backups/msft-sct-windows10-1909/GPOs")
        .join(backup);
    let estate = scratch.0.join("estate");
    copy_backup(
        &source,
        &estate.join("contoso").join(backup),
        "security.local",
    );
    copy_backup(
        &source,
        &estate.join("fabrikam").join(backup),
        "fabrikam.test",
    );
    let (csv, json) = (scratch.0.join("r.csv"), scratch.0.join("r.json"));
    let summary = analyze(
        EPOCH,
        &[
            estate.as_os_str(),
            "--csv".as_ref(),
            csv.as_os_str(),
            "--json".as_ref(),
            json.as_os_str(),
        ],
    );
    assert!(summary.contains("Total (2 GPOs)"), "{summary}");

    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let gpos = report["gpos"].as_array().unwrap();
    let found: Vec<(&str, &str, usize)> = gpos
        .iter()
        .map(|g| {
            (
                g["groupPolicyObjectId"].as_str().unwrap(),
                g["domain"].as_str().unwrap(),
                g["settings"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(guid, "security.local", 7), (guid, "fabrikam.test", 7)]
    );
    // Every setting is set by both: seven duplicates, each naming both domains.
    let overlaps = report["overlaps"].as_array().unwrap();
    assert_eq!(overlaps.len(), 7);
    for o in overlaps {
        assert_eq!(o["kind"], "duplicate");
        let domains: Vec<&str> = o["gpos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["domain"].as_str().unwrap())
            .collect();
        assert_eq!(domains, ["security.local", "fabrikam.test"]);
    }
    let (header, rows) = csv_rows(&csv);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let domains: std::collections::BTreeMap<&str, usize> =
        rows.iter().fold(Default::default(), |mut counts, r| {
            *counts.entry(r[column("Domain")].as_str()).or_default() += 1;
            counts
        });
    assert_eq!(
        domains,
        [("fabrikam.test", 7), ("security.local", 7)].into()
    );
    let name = "MSFT Windows 10 1909 and Server 1909 - Domain Security";
    assert!(rows.iter().all(|r| r[column("Across GPOs")]
        == format!("Duplicate: {name} (security.local); {name} (fabrikam.test)")));

    // One GPO read from two exports (its backup and, given apart, its report) is one GPO: its
    // settings are not duplicates of themselves.
    let contoso = estate.join("contoso").join(backup);
    let report_path = scratch.0.join("report.json");
    analyze(
        EPOCH,
        &[
            contoso.as_os_str(),
            contoso.join("gpreport.xml").as_os_str(),
            "--json".as_ref(),
            report_path.as_os_str(),
        ],
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(report["gpos"].as_array().unwrap().len(), 2);
    assert_eq!(report["overlaps"], serde_json::json!([]));

    // A second backup of the same GPO in the same domain is the same GPO: the newer is read.
    copy_backup(&source, &estate.join("again").join(backup), "fabrikam.test");
    let summary = analyze(EPOCH, &[estate.as_os_str()]);
    assert!(summary.contains("Total (2 GPOs)"), "{summary}");
}
