//! `gpa diff` between two analyze JSON reports, and the CI gates of `gpa analyze`
//! (`--fail-under`, `--fail-on`): output and exit statuses as the README documents them.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn gpa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .output()
        .expect("run gpa")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn analyze_json(input: &Path, json: &Path) {
    let out = gpa(&[
        "analyze",
        input.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn utf16_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn a_report_against_itself_is_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    analyze_json(&common::fixtures().join("backups"), &json);
    let out = gpa(&["diff", json.to_str().unwrap(), json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "No change.\n");
    let out = gpa(&[
        "diff",
        json.to_str().unwrap(),
        json.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["summary"]["settingsChanged"], 0);
    assert_eq!(diff["gposRemoved"].as_array().unwrap().len(), 0);
}

/// The fixture backups, and a copy with one GPO's backup removed and a password length changed.
#[test]
fn a_removed_gpo_and_a_changed_value_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    analyze_json(&common::fixtures().join("backups"), &old);

    let copy = dir.path().join("backups");
    copy_tree(&common::fixtures().join("backups"), &copy);
    // Fixture Users.
    std::fs::remove_dir_all(copy.join("{33333333-3333-4333-8333-333333333333}")).unwrap();
    let inf = copy.join(
        "{22222222-2222-4222-8222-222222222222}/DomainSysvol/GPO/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf",
    );
    let text = gpa::input::text::decode_text(&std::fs::read(&inf).unwrap());
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    assert!(text.contains("MinimumPasswordLength = 14"));
    std::fs::write(
        &inf,
        utf16_with_bom(&text.replace("MinimumPasswordLength = 14", "MinimumPasswordLength = 12")),
    )
    .unwrap();
    let new = dir.path().join("new.json");
    analyze_json(&copy, &new);

    let out = gpa(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "GPOs removed (1):\n  - Fixture Users {0B1B2C3D-0000-4000-8000-00000000000B} (2 settings)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "GPO Fixture Workstation {0A1B2C3D-0000-4000-8000-00000000000A}:\n  ~ Minimum password length (device): value: 14 -> 12\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 GPO(s) added, 1 removed, 1 changed; settings: 0 added, 0 removed, 1 changed (value 1, readiness 0, target 0)\n"
        ),
        "{text}"
    );

    let out = gpa(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["gposRemoved"][0]["name"], "Fixture Users");
    let changed = &diff["gposChanged"][0]["settingsChanged"][0];
    assert_eq!(
        changed["identity"],
        "Device|[system access] minimumpasswordlength"
    );
    assert_eq!(changed["changes"][0]["field"], "value");
    assert_eq!(changed["changes"][0]["old"], "14");
    assert_eq!(changed["changes"][0]["new"], "12");

    // Reversed, the GPO is added and the value goes back.
    let out = gpa(&["diff", new.to_str().unwrap(), old.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("GPOs added (1):\n  + Fixture Users"),
        "{text}"
    );
    assert!(text.contains("value: 12 -> 14"), "{text}");
}

#[test]
fn an_unreadable_report_is_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    analyze_json(&common::fixtures().join("backups"), &json);
    let not_a_report = dir.path().join("other.json");
    std::fs::write(&not_a_report, r#"{"files": []}"#).unwrap();
    let out = gpa(&[
        "diff",
        json.to_str().unwrap(),
        not_a_report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.starts_with("gpa: "), "{err}");
    assert!(
        err.contains("other.json: not a gpa analyze JSON report"),
        "{err}"
    );
    let missing = dir.path().join("missing.json");
    let out = gpa(&["diff", json.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn failed_gates_give_status_3_and_name_the_gate() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let sct = corpus.join("gpo-backups/msft-sct-windows10-1909/GPOs");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("report.csv");
    let out = gpa(&[
        "analyze",
        sct.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
        "--fail-under",
        "99.5",
        "--fail-on",
        "conflicts",
        "--fail-on",
        "unknown",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "gpa: gate failed: --fail-under 99.5: MDM support is 99.3% (603 of 607 settings gpa can identify), under 99.5%\n\
         gpa: gate failed: --fail-on conflicts: 7 setting(s) set by several GPOs with different values\n"
    );
    // The report is written all the same: a gate judges a finished run.
    assert!(csv.is_file());
    // The summary is printed as without gates.
    assert!(String::from_utf8_lossy(&out.stdout).contains("Total (11 GPOs)"));
}

#[test]
fn passing_gates_give_status_0() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let sct = corpus.join("gpo-backups/msft-sct-windows10-1909/GPOs");
    let out = gpa(&[
        "analyze",
        sct.to_str().unwrap(),
        "--fail-under",
        "99",
        "--fail-on",
        "unknown",
        "--fail-on",
        "damaged",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn a_damaged_file_fails_its_gate_and_a_gate_analyze_cannot_measure_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backups");
    copy_tree(&common::fixtures().join("backups"), &copy);
    let pol =
        copy.join("{33333333-3333-4333-8333-333333333333}/DomainSysvol/GPO/USER/Registry.pol");
    let bytes = std::fs::read(&pol).unwrap();
    std::fs::write(&pol, &bytes[..bytes.len() - 3]).unwrap();
    let out = gpa(&["analyze", copy.to_str().unwrap(), "--fail-on", "damaged"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("gpa: gate failed: --fail-on damaged: 1 file(s) read only in part\n"),
        "{}",
        stderr(&out)
    );
    // Without the gate, the damage alone is status 1.
    let out = gpa(&["analyze", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));

    let fixtures = common::fixtures().join("backups");
    let out = gpa(&[
        "analyze",
        fixtures.to_str().unwrap(),
        "--fail-on",
        "different",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gpa: --fail-on different does not apply to analyze\n"
    );
    assert!(out.stdout.is_empty());
    let out = gpa(&["analyze", fixtures.to_str().unwrap(), "--fail-under", "120"]);
    assert_eq!(out.status.code(), Some(2));
}
