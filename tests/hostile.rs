//! Hostile and damaged input, and hostile output paths, through the real binary: each case is
//! built in a temporary folder from real corpus files, and the outcome asserted (exit status,
//! the file named on stderr, the other GPOs still reported, no partial or stale output, no
//! temporary file left, no control character reaching the terminal, a planted link not followed).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const COMPUTER: &str = "{ECA4D7B0-93B4-47C2-BC43-8AC523D4D75E}";
const MACHINE: &str = "DomainSysvol/GPO/Machine";

/// A writable copy of the SCT Windows 10 1909 backups (the corpus files are read-only).
fn sct_copy(corpus: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("GPOs");
    copy_tree(
        &corpus.join("gpo-backups/msft-sct-windows10-1909/GPOs"),
        &root,
    );
    (dir, root)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::write(&target, fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}

/// Runs gpa, failing if it has not ended within five minutes (the machine is shared and slow;
/// a hang is the bug, not slowness).
fn gpa(args: &[&std::ffi::OsStr]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gpa");
    let id = child.id();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    match receive.recv_timeout(Duration::from_secs(300)) {
        Ok(output) => output.expect("output"),
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("gpa {args:?} hangs");
        }
    }
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// No byte a terminal would obey: C0 controls other than the line feed, DEL, and the C1 range.
fn assert_terminal_safe(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| c.is_control() && c != '\n')
        .collect();
    assert!(bad.is_empty(), "control characters {bad:?} in\n{text}");
}

fn assert_other_gpos_reported(summary: &str) {
    for name in [
        "MSFT Windows 10 1909 - BitLocker",
        "MSFT Windows Server 1909 - Member Server",
        "MSFT Internet Explorer 11 - Computer",
    ] {
        assert!(summary.contains(name), "{name} missing from\n{summary}");
    }
}

fn temp_files_in(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect()
}

#[test]
fn a_truncated_registry_pol_keeps_what_was_read_exits_1_and_every_report_shows_it() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    let pol = root.join(COMPUTER).join(MACHINE).join("registry.pol");
    let bytes = fs::read(&pol).unwrap();
    fs::write(&pol, &bytes[..9000]).unwrap();
    let (csv, json, html) = (
        dir.path().join("r.csv"),
        dir.path().join("r.json"),
        dir.path().join("r.html"),
    );
    let out = gpa(&[
        os("analyze"),
        root.as_os_str(),
        os("--csv"),
        csv.as_os_str(),
        os("--json"),
        json.as_os_str(),
        os("--html"),
        html.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "Machine/registry.pol (byte 8914): instruction 49: the file ends inside the key name"
        ),
        "{err}"
    );
    assert!(
        err.contains("49 settings read before the damage kept"),
        "{err}"
    );
    let summary = stdout(&out);
    assert_other_gpos_reported(&summary);
    // 171 rows whole; the cut loses the rest of registry.pol, and the 25 Administrative
    // Templates policies gpreport.xml lists beyond what was read are taken from it, named, and
    // decided like any report policy (175 rows: the report's names split a few policies the
    // registry evidence had joined).
    assert!(
        summary.contains(
            "MSFT Windows 10 1909 - Computer                                                  175"
        ),
        "{summary}"
    );
    assert!(summary.contains("Damaged files"), "{summary}");
    assert!(
        summary.contains("MSFT Windows 10 1909 - Computer: lost from registry.pol, taken from gpreport.xml (25): Enable local admin password management; Configure SMB v1 client driver; Configure SMB v1 server;"),
        "{summary}"
    );
    let csv = fs::read_to_string(&csv).unwrap();
    assert!(csv.contains(",Damaged Source\r\n"));
    // The 49 registry values kept make 46 rows (a policy with elements writes several values;
    // SmartScreen gives a row per node).
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains("(byte 8914): instruction 49"))
            .count(),
        46
    );
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    let gpo = json["gpos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["displayName"] == "MSFT Windows 10 1909 - Computer")
        .unwrap();
    assert_eq!(gpo["damagedFiles"][0]["at"]["byte"], 8914);
    assert_eq!(gpo["damagedFiles"][0]["settings_kept"], 49);
    let from_damaged = gpo["settings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["fromDamagedFile"] == true)
        .count();
    assert_eq!(from_damaged, 46);
    // What the cut lost, taken from gpreport.xml, says so and keeps its target.
    let smb1 = gpo["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["settingName"] == "Configure SMB v1 server")
        .expect("Configure SMB v1 server, lost from registry.pol, is reported");
    assert_eq!(smb1["migrationReadiness"], "Ready");
    assert_eq!(
        smb1["intuneSettingDefinitionId"],
        "device_vendor_msft_policy_config_mssecurityguide_configuresmbv1server"
    );
    assert!(
        smb1["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "lostFromDamagedFile"),
        "{smb1}"
    );
    let html = fs::read_to_string(&html).unwrap();
    assert!(html.contains("<h2>Damaged files</h2>"));
}

/// Offset of the size field of the first instruction of a registry.pol.
fn first_size_field(bytes: &[u8]) -> usize {
    let mut pos = 8 + 2; // header, '['
    for _ in 0..2 {
        // key, then value name: UTF-16 up to a NUL unit, then ';'
        while bytes[pos..pos + 2] != [0, 0] {
            pos += 2;
        }
        pos += 4;
    }
    pos + 4 + 2 // type, ';'
}

#[test]
fn a_size_field_of_0xfffffff0_is_damage_not_an_allocation() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_dir, root) = sct_copy(&corpus);
    let pol = root.join(COMPUTER).join(MACHINE).join("registry.pol");
    let mut bytes = fs::read(&pol).unwrap();
    let at = first_size_field(&bytes);
    bytes[at..at + 4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    fs::write(&pol, &bytes).unwrap();
    let out = gpa(&[os("inventory"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("registry.pol (byte 8): instruction 0: data size 4294967280 runs past the end of the file"),
        "{err}"
    );
    assert!(
        err.contains("0 settings read before the damage kept"),
        "{err}"
    );
}

#[test]
fn a_cut_gpttmpl_inf_names_what_the_gpreport_has_that_it_lost() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_dir, root) = sct_copy(&corpus);
    let inf = root
        .join(COMPUTER)
        .join(MACHINE)
        .join("microsoft/windows nt/SecEdit/GptTmpl.inf");
    let bytes = fs::read(&inf).unwrap();
    // UTF-16LE: cut inside the [Privilege Rights] header line ("[Privil"), so every user right
    // is lost; the cut line is what gives the cut away ([Version] comes before it here).
    let marker: Vec<u8> = "[Privilege Rights]"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let cut = bytes
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
        .expect("[Privilege Rights] in the real template");
    fs::write(&inf, &bytes[..cut + 14]).unwrap();
    let out = gpa(&[os("inventory"), os("--json"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "GptTmpl.inf (line 8): the file ends inside a line (\"[Privil\"): it is cut short"
        ),
        "{}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gpo = json["gpos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["display_name"] == "MSFT Windows 10 1909 - Computer")
        .unwrap();
    let lost: Vec<&str> = gpo["damage"][0]["lost_per_report"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    // The report names user rights by their constant; all 23 of the template are lost.
    assert!(
        lost.contains(&"[Privilege Rights] SeNetworkLogonRight"),
        "{lost:?}"
    );
    assert_eq!(
        lost.iter()
            .filter(|n| n.starts_with("[Privilege Rights]"))
            .count(),
        23
    );

    fs::write(&inf, b"").unwrap();
    let out = gpa(&[os("inventory"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("GptTmpl.inf (whole file): the file is empty"));
}

#[test]
fn a_huge_audit_csv_of_nul_bytes_gives_one_short_error_line() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_dir, root) = sct_copy(&corpus);
    let csv = root
        .join(COMPUTER)
        .join(MACHINE)
        .join("microsoft/windows nt/Audit/audit.csv");
    fs::write(&csv, vec![0u8; 4 * 1024 * 1024]).unwrap();
    let out = gpa(&[os("inventory"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("audit.csv"), "{}", &err[..err.len().min(2000)]);
    for line in err.lines() {
        assert!(line.len() < 1200, "a {}-byte stderr line", line.len());
    }
    assert_terminal_safe(&err);
}

#[cfg(unix)]
#[test]
fn fifos_are_skipped_with_their_name_on_stderr_and_the_run_ends() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_dir, root) = sct_copy(&corpus);
    let pol = root.join(COMPUTER).join(MACHINE).join("registry.pol");
    fs::remove_file(&pol).unwrap();
    let mkfifo = |p: &Path| {
        assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
    };
    mkfifo(&pol);
    mkfifo(&root.join("stray.xml"));
    let out = gpa(&[os("analyze"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("Machine/registry.pol: a FIFO (named pipe), not a regular file: skipped"),
        "{err}"
    );
    assert!(err.contains("stray.xml: a FIFO (named pipe)"), "{err}");
    assert_other_gpos_reported(&stdout(&out));

    // Named explicitly, a FIFO is refused by validate too, never opened for reading (which
    // would wait for a writer forever).
    let out = gpa(&[os("validate"), root.join("stray.xml").as_os_str()]);
    assert_ne!(out.status.code(), Some(0));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        said.contains("a FIFO (named pipe), not a regular file"),
        "{said}"
    );
}

#[test]
fn an_oversized_file_is_skipped_and_the_run_goes_on() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_dir, root) = sct_copy(&corpus);
    let big = root.join("big-report.xml");
    let mut head =
        b"<?xml version=\"1.0\"?><GPO xmlns=\"http://www.microsoft.com/GroupPolicy/Settings\">"
            .to_vec();
    head.resize(3 * 1024 * 1024, b' ');
    fs::write(&big, head).unwrap();
    let out = gpa(&[
        os("analyze"),
        os("--max-file-size"),
        os("1"),
        root.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("big-report.xml: 3145728 bytes, over the 1 MiB limit per file: skipped"),
        "{err}"
    );
    assert_other_gpos_reported(&stdout(&out));
}

#[cfg(unix)]
#[test]
fn deep_trees_and_symlink_loops_end_and_are_reported() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_dir, root) = sct_copy(&corpus);
    let mut deep = root.join("deep");
    for _ in 0..200 {
        deep.push("d");
    }
    fs::create_dir_all(&deep).unwrap();
    std::os::unix::fs::symlink("..", root.join("deep/loop")).unwrap();
    let out = gpa(&[os("inventory"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("64 folder levels below the path given: its 1 subfolder(s) are not walked"),
        "{err}"
    );
    assert!(
        err.contains("deep/loop: symbolic link to a folder already walked"),
        "{err}"
    );
    assert_eq!(
        stdout(&out).matches("MSFT ").count(),
        11,
        "{}",
        stdout(&out)
    );
}

#[test]
fn names_with_control_characters_do_not_reach_the_terminal_raw() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    // A SYSVOL-style GPO whose GPT.INI display name sets the terminal title and rings the bell.
    let loose = dir.path().join("sysvol");
    copy_tree(&root.join(COMPUTER).join("DomainSysvol/GPO"), &loose);
    fs::write(
        loose.join("GPT.INI"),
        "[General]\r\nVersion=1\r\ndisplayName=Evil\u{1b}]0;owned\u{7}GPO\r\n",
    )
    .unwrap();
    // A folder whose name holds a newline and a forged message, with an unreadable registry.pol.
    let forged = dir.path().join("x\ngpa: forged line");
    fs::create_dir_all(forged.join("Machine")).unwrap();
    fs::write(forged.join("GPT.INI"), "[General]\r\nVersion=1\r\n").unwrap();
    fs::write(forged.join("Machine/registry.pol"), b"").unwrap();
    let out = gpa(&[
        os("analyze"),
        loose.as_os_str(),
        forged.as_os_str(),
        root.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let (summary, err) = (stdout(&out), stderr(&out));
    assert_terminal_safe(&summary);
    assert_terminal_safe(&err);
    assert!(
        summary.contains("Evil\\u{1b}]0;owned\\u{7}GPO"),
        "{summary}"
    );
    assert!(
        err.contains("x\\ngpa: forged line/Machine/registry.pol: not a registry.pol"),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with("gpa: ")), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("gpa: forged")), "{err}");
}

#[cfg(unix)]
#[test]
fn reports_follow_a_symlinked_path_keep_their_mode_and_dash_is_stdout() {
    use std::os::unix::fs::PermissionsExt;
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    let real = dir.path().join("real.csv");
    fs::write(&real, "old").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("report.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = gpa(&[
        os("analyze"),
        root.as_os_str(),
        os("--csv"),
        link.as_os_str(),
        os("--json"),
        os("-"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(
        fs::read_to_string(&real)
            .unwrap()
            .starts_with("\u{feff}GPO Name,")
    );
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["gpos"].as_array().unwrap().len(), 11);
    assert!(stderr(&out).contains("Total (11 GPOs)"));
    assert!(temp_files_in(dir.path()).is_empty());
}

#[test]
fn one_failing_output_replaces_none_and_leaves_no_temporary_file() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    let csv = dir.path().join("report.csv");
    fs::write(&csv, "old report").unwrap();
    let json = dir.path().join("no-such-folder/report.json");
    let out = gpa(&[
        os("analyze"),
        root.as_os_str(),
        os("--csv"),
        csv.as_os_str(),
        os("--json"),
        json.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-folder/report.json"));
    assert_eq!(fs::read_to_string(&csv).unwrap(), "old report");
    assert!(temp_files_in(dir.path()).is_empty());
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn convert_out_refuses_foreign_files_removes_its_stale_policies_and_validates_clean() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    let out_dir = dir.path().join("intune");
    let out = gpa(&[
        os("convert"),
        root.as_os_str(),
        os("--out"),
        out_dir.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Eleven policies (every SCT 1909 GPO has a Ready setting) and the summary.
    assert_eq!(names_in(&out_dir).len(), 12);
    let out = gpa(&[os("validate"), out_dir.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("11 files: 11 valid"),
        "{}",
        stdout(&out)
    );

    // The same folder, one GPO: the other ten policies of the earlier run go.
    let one = root.join(COMPUTER);
    let out = gpa(&[
        os("convert"),
        one.as_os_str(),
        os("--out"),
        out_dir.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        names_in(&out_dir),
        [
            "MSFT Windows 10 1909 - Computer.json",
            "conversion-summary.json"
        ]
    );

    // A file gpa did not write: refused, nothing written, no table.
    fs::write(out_dir.join("someone-elses.json"), "{}").unwrap();
    let before = fs::read(out_dir.join("conversion-summary.json")).unwrap();
    let out = gpa(&[
        os("convert"),
        root.as_os_str(),
        os("--out"),
        out_dir.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds 1 file(s) gpa did not write (someone-elses.json)"));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(
        fs::read(out_dir.join("conversion-summary.json")).unwrap(),
        before
    );
    assert_eq!(names_in(&out_dir).len(), 3);

    // --replace: written, and the foreign policy file removed.
    let out = gpa(&[
        os("convert"),
        one.as_os_str(),
        os("--out"),
        out_dir.as_os_str(),
        os("--replace"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("MSFT Windows 10 1909 - Computer.json"));
    assert_eq!(
        names_in(&out_dir),
        [
            "MSFT Windows 10 1909 - Computer.json",
            "conversion-summary.json"
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_output_folder_is_not_followed() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    let victim = dir.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    // The old temporary name pattern, for every pid: none of them may be followed.
    for pid in 1..2000 {
        let name = format!(".report.csv.gpa-{pid}.tmp");
        std::os::unix::fs::symlink(&victim, out_dir.join(name)).unwrap();
    }
    let report = out_dir.join("report.csv");
    let out = gpa(&[
        os("analyze"),
        root.as_os_str(),
        os("--csv"),
        report.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(
        fs::read_to_string(&report)
            .unwrap()
            .starts_with("\u{feff}GPO Name,")
    );
}

#[cfg(unix)]
#[test]
fn sigint_removes_the_temporary_files() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (dir, root) = sct_copy(&corpus);
    // The CSV goes to a FIFO nobody reads: committing it blocks (streams are written at commit,
    // in order), while the JSON waits staged in its temporary file. That is when SIGINT comes.
    let fifo = dir.path().join("pipe.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out_dir = dir.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    let json = out_dir.join("report.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .arg("analyze")
        .arg(&root)
        .arg("--csv")
        .arg(&fifo)
        .arg("--json")
        .arg(&json)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut waited = Duration::ZERO;
    while temp_files_in(&out_dir).is_empty() {
        assert!(
            waited < Duration::from_secs(300),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
        waited += Duration::from_millis(20);
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        temp_files_in(&out_dir).is_empty(),
        "{:?}",
        temp_files_in(&out_dir)
    );
    assert!(!json.exists());
}
