//! The `gpa` binary: output forms, stderr lines and exit codes as the README documents them.

mod common;

use std::process::{Command, Output};

fn gpa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .output()
        .expect("run gpa")
}

fn fixture(rel: &str) -> String {
    common::fixtures().join(rel).display().to_string()
}

#[test]
fn inventory_json_lists_the_gpos() {
    let out = gpa(&[
        "inventory",
        &fixture("backups"),
        &fixture("sysvol"),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let gpos = json["gpos"].as_array().expect("gpos array");
    let names: Vec<&str> = gpos
        .iter()
        .map(|g| g["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Fixture SYSVOL GPO", "Fixture Users", "Fixture Workstation"]
    );
    assert_eq!(gpos[2]["guid"], "{0A1B2C3D-0000-4000-8000-00000000000A}");
    assert_eq!(gpos[2]["user_enabled"], false);
    assert_eq!(
        gpos[2]["backup"]["id"],
        "{22222222-2222-4222-8222-222222222222}"
    );
    let parsed: gpa::model::Inventory = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed.gpos.len(), 3);
}

#[test]
fn inventory_table_has_a_block_per_gpo() {
    let out = gpa(&["inventory", &fixture("backups")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Fixture Users\n  GUID:     {0B1B2C3D-0000-4000-8000-00000000000B}\n")
    );
    assert!(text.contains("\nFixture Workstation\n"));
    assert!(text.contains("  Enabled:  computer yes, user no\n"));
    assert!(text.contains("  Enabled:  computer no, user yes\n"));
    assert!(text.contains("  Note: took backup {22222222-2222-4222-8222-222222222222}"));
}

#[test]
fn missing_path_beside_a_good_one_exits_1() {
    let missing = fixture("no-such-backup");
    let out = gpa(&["inventory", &fixture("backups"), &missing, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("gpa: {missing}: ")), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["gpos"].as_array().unwrap().len(), 2);
}

#[test]
fn nothing_readable_exits_2() {
    let missing = fixture("no-such-backup");
    let out = gpa(&["inventory", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with(&format!("gpa: {missing}: ")), "{stderr}");
}

#[test]
fn usage_error_exits_2() {
    assert_eq!(gpa(&["inventory"]).status.code(), Some(2));
    assert_eq!(gpa(&["no-such-command"]).status.code(), Some(2));
}

/// `gpa inventory … | head -1`: the reader goes away after one line; gpa stops quietly with the
/// status of a process ended by SIGPIPE (141), never a panic message.
#[test]
fn a_closed_standard_output_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let Some(corpus) = common::corpus() else {
        return;
    };
    // 1.3 MB of listing: far more than a pipe holds, so gpa is still writing when it closes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .arg("inventory")
        .arg(corpus.join("gpo-backups"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gpa runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("one line");
    assert!(!first.trim().is_empty());
    let output = child.wait_with_output().expect("gpa ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
