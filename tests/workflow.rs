//! The workflow options, through the real binary on corpus data: GPO selection (`--gpo`,
//! `--exclude-gpo`), `.zip` inputs, the `--admx` overlay, `catalog build --admx`, and `--quiet`.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

const SCT: &str = "gpo-backups/msft-sct-windows10-1909/GPOs";
const NSA: &str = "gpo-backups/nsacyber-windows-secure-host-baseline";
const NSA_ADMX: &str = "admx/nsacyber-windows-secure-host-baseline";

fn gpa<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run gpa")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The display names `gpa inventory --json` lists.
fn inventory_names(out: &Output) -> Vec<String> {
    let json: Value = serde_json::from_slice(&out.stdout).expect("inventory JSON");
    json["gpos"]
        .as_array()
        .expect("gpos")
        .iter()
        .map(|g| g["display_name"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn inventory(corpus: &Path, extra: &[&str]) -> Output {
    let root = corpus.join(SCT);
    let mut args = vec!["inventory".to_string(), "--json".to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(root.display().to_string());
    gpa(&args)
}

#[test]
fn a_name_glob_selects_exactly_the_gpos_it_matches_ignoring_case() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = inventory(&corpus, &["--gpo", "*domain CONTROLLER*"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        inventory_names(&out),
        [
            "MSFT Windows Server 1909 - Domain Controller",
            "MSFT Windows Server 1909 - Domain Controller Virtualization Based Security",
        ]
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn a_guid_selects_by_gpo_guid_or_backup_id_with_or_without_braces() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // The BitLocker GPO's GUID, lower case and bare.
    let out = inventory(&corpus, &["--gpo", "508fc842-bb2f-4e9a-95de-0621a2e47d7b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(inventory_names(&out), ["MSFT Windows 10 1909 - BitLocker"]);
    // The Computer GPO's backup folder name, with braces; OR'ed with the BitLocker GUID.
    let out = inventory(
        &corpus,
        &[
            "--gpo",
            "{ECA4D7B0-93B4-47C2-BC43-8AC523D4D75E}",
            "--gpo",
            "{508FC842-BB2F-4E9A-95DE-0621A2E47D7B}",
        ],
    );
    assert_eq!(
        inventory_names(&out),
        [
            "MSFT Windows 10 1909 - BitLocker",
            "MSFT Windows 10 1909 - Computer"
        ]
    );
}

#[test]
fn an_exclusion_wins_and_a_pattern_matching_nothing_is_named_on_stderr() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = inventory(
        &corpus,
        &[
            "--gpo",
            "*Domain Controller*",
            "--gpo",
            "MSFT Windows 11*",
            "--exclude-gpo",
            "*virtualization*",
            "--exclude-gpo",
            "{00000000-0000-0000-0000-000000000000}",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        inventory_names(&out),
        ["MSFT Windows Server 1909 - Domain Controller"]
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning: --gpo \"MSFT Windows 11*\" matches none of the GPOs read"),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: --exclude-gpo \"{00000000-0000-0000-0000-000000000000}\" matches none"
        ),
        "{err}"
    );
    assert!(!err.contains("*Domain Controller*"), "{err}");
}

#[test]
fn no_gpo_left_exits_2_with_a_message_on_every_command() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let root = corpus.join(SCT);
    let out_dir = tempfile::tempdir().unwrap();
    for command in [
        vec!["inventory".to_string()],
        vec!["analyze".to_string()],
        vec![
            "convert".to_string(),
            "--out".to_string(),
            out_dir.path().join("p").display().to_string(),
        ],
    ] {
        let mut args = command.clone();
        args.extend([
            "--gpo".to_string(),
            "Default Domain Policy".to_string(),
            root.display().to_string(),
        ]);
        let out = gpa(&args);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("--gpo \"Default Domain Policy\" matches none"),
            "{err}"
        );
        assert!(
            err.contains("no GPO left: --gpo / --exclude-gpo leave none of the 11 GPOs read"),
            "{err}"
        );
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    }
    assert!(!out_dir.path().join("p").exists());
}

/// Zips `from` (its files, under `prefix/` inside the archive) into `zip`.
fn zip_folder(from: &Path, prefix: &str, zip: &Path) {
    let mut writer = zip::ZipWriter::new(fs::File::create(zip).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut stack = vec![(from.to_path_buf(), prefix.to_string())];
    while let Some((dir, inner)) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let inner_name = if inner.is_empty() {
                name
            } else {
                format!("{inner}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                stack.push((entry.path(), inner_name));
            } else {
                writer.start_file(inner_name, options).unwrap();
                writer.write_all(&fs::read(entry.path()).unwrap()).unwrap();
            }
        }
    }
    writer.finish().unwrap();
}

/// `analyze --json -` of the paths (with extra options), as JSON.
fn analyze_json(paths: &[&Path], extra: &[&str]) -> (Output, Value) {
    let mut args: Vec<String> = vec![
        "analyze".into(),
        "--quiet".into(),
        "--json".into(),
        "-".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let out = gpa(&args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, json)
}

/// Per GPO and setting: the name, value, readiness, definition id and CSP URI.
fn rows(json: &Value) -> Vec<[String; 6]> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut rows = Vec::new();
    for gpo in json["gpos"].as_array().expect("gpos") {
        for s in gpo["settings"].as_array().expect("settings") {
            rows.push([
                text(&gpo["displayName"]),
                text(&s["settingName"]),
                text(&s["settingValue"]),
                text(&s["migrationReadiness"]),
                text(&s["intuneSettingDefinitionId"]),
                text(&s["mdmSettingUri"]),
            ]);
        }
    }
    rows
}

#[test]
fn a_zip_of_a_backup_root_gives_the_rows_of_the_folder_with_paths_inside_the_archive() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("SCT 1909.zip");
    // The root with its manifest.xml, as the SCT package holds it.
    zip_folder(&corpus.join(SCT), "GPOs", &zip);
    let (from_folder, folder_json) = analyze_json(&[&corpus.join(SCT)], &[]);
    let (from_zip, zip_json) = analyze_json(&[&zip], &[]);
    assert_eq!(
        from_folder.status.code(),
        Some(0),
        "{}",
        stderr(&from_folder)
    );
    assert_eq!(from_zip.status.code(), Some(0), "{}", stderr(&from_zip));
    let (folder_rows, zip_rows) = (rows(&folder_json), rows(&zip_json));
    assert_eq!(folder_rows.len(), 607);
    assert_eq!(zip_rows, folder_rows);
    assert!(zip_rows.iter().any(|r| r[1] == "Allow Basic authentication"
        && r[0] == "MSFT Windows 10 1909 - Computer"
        && r[3] == "Ready"
        && r[2] == "Disabled"
        && r[4] == "device_vendor_msft_policy_config_remotemanagement_allowbasicauthentication_client"));
    let text = String::from_utf8_lossy(&from_zip.stdout);
    let inside = format!(
        "{}!/GPOs/{{ECA4D7B0-93B4-47C2-BC43-8AC523D4D75E}}",
        zip.display()
    );
    assert!(text.contains(&inside), "no source under {inside}");
    assert!(!text.contains("gpa-zip-"), "a temporary path in the report");
    // The archive is unpacked under TMPDIR, and nothing of it is left there after the run.
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(["inventory".as_ref(), zip.as_os_str()])
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .output()
        .expect("run gpa");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("MSFT Windows 10 1909 - BitLocker"));
    assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0);
}

#[test]
fn a_zip_of_one_backup_folder_is_that_gpo() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bitlocker.ZIP");
    let backup = corpus
        .join(SCT)
        .join("{159ECA05-4C14-4DE4-94FE-578543473D7C}");
    zip_folder(&backup, "", &zip);
    let out = gpa(&[
        "inventory".to_string(),
        "--json".to_string(),
        zip.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(inventory_names(&out), ["MSFT Windows 10 1909 - BitLocker"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["gpos"][0]["origin"], format!("{}!", zip.display()));
    let source = json["gpos"][0]["settings"][0]["source"]["file"]
        .as_str()
        .unwrap_or_default();
    assert!(
        source.starts_with(&format!("{}!/DomainSysvol/GPO/Machine/", zip.display())),
        "{source}"
    );
}

#[test]
fn a_zip_with_a_parent_entry_is_refused_by_name_and_the_other_inputs_go_on() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("inner").join("evil.zip");
    fs::create_dir_all(evil.parent().unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(fs::File::create(&evil).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("GPOs/manifest.xml", options).unwrap();
    writer.write_all(b"<Backups/>").unwrap();
    writer.start_file("../evil", options).unwrap();
    writer.write_all(b"planted").unwrap();
    writer.finish().unwrap();
    let backup = corpus
        .join(SCT)
        .join("{159ECA05-4C14-4DE4-94FE-578543473D7C}");
    let (out, json) = analyze_json(&[&evil, &backup], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "gpa: {}: entry \"../evil\" is a path with '..', which leaves the archive",
            evil.display()
        )),
        "{err}"
    );
    assert!(!dir.path().join("evil").exists());
    assert!(!dir.path().join("inner/evil").exists());
    let names: Vec<&str> = json["gpos"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["displayName"].as_str())
        .collect();
    assert_eq!(names, ["MSFT Windows 10 1909 - BitLocker"]);
}

/// A catalog built from the Windows templates alone (no Chrome, Office, Adobe or ActivClient
/// template), once per test run.
fn windows_only_catalog(corpus: &Path) -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("catalog");
        let run = gpa(&[
            "catalog".to_string(),
            "build".to_string(),
            "--admx-only".to_string(),
            "--admx".to_string(),
            corpus
                .join("admx/mxk-windows-secure-group-policy/PolicyDefinitions")
                .display()
                .to_string(),
            "--admx".to_string(),
            corpus
                .join("gpo-backups/msft-sct-windows10-1909/Templates")
                .display()
                .to_string(),
            "--out".to_string(),
            out.display().to_string(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        assert!(
            stdout(&run).contains("4734 ADMX policies"),
            "{}",
            stdout(&run)
        );
        (dir, out)
    });
    path
}

fn row<'a>(rows: &'a [[String; 6]], gpo: &str, setting: &str) -> &'a [String; 6] {
    rows.iter()
        .find(|r| r[0] == gpo && r[1] == setting)
        .unwrap_or_else(|| panic!("no row {gpo} / {setting}"))
}

#[test]
fn an_admx_overlay_recognises_the_templates_a_catalog_lacks_as_the_build_would() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let catalog = windows_only_catalog(&corpus).display().to_string();
    let backups = corpus.join(NSA);
    let admx = corpus.join(NSA_ADMX).display().to_string();
    let (before, before_json) = analyze_json(&[&backups], &["--catalog", &catalog]);
    let (after, after_json) = analyze_json(&[&backups], &["--catalog", &catalog, "--admx", &admx]);
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    let (before_rows, after_rows) = (rows(&before_json), rows(&after_json));

    // Without Chrome's template, its registry value is an unknown extra registry value...
    let chrome = "Google Chrome V1R6";
    let unknown = row(
        &before_rows,
        chrome,
        "HKLM\\Software\\Policies\\Google\\Chrome\\RemoteAccessHostFirewallTraversal",
    );
    assert_eq!(unknown[3], "Not supported");
    // ...with it, the policy, tied to Chrome's ingested settings catalog definition.
    let known = row(
        &after_rows,
        chrome,
        "Enable firewall traversal from remote access host",
    );
    assert_eq!(known[2], "Disabled");
    assert_eq!(known[3], "Ready");
    assert_eq!(
        known[4],
        "device_vendor_msft_policy_config_chromeintunev1~policy~googlechrome~remoteaccess_remoteaccesshostfirewalltraversal"
    );
    // Adobe's template has no settings catalog definition: ADMX ingestion (Custom OMA-URI).
    let adobe = "Adobe Reader DC";
    assert_eq!(
        row(
            &before_rows,
            adobe,
            "HKLM\\Software\\Policies\\Adobe\\Acrobat Reader\\DC\\FeatureLockDown\\bEnable3D"
        )[3],
        "Not supported"
    );
    let ingested = row(&after_rows, adobe, "Allow 3D Content");
    assert_eq!(
        (ingested[2].as_str(), ingested[3].as_str()),
        ("Disabled", "Custom OMA-URI")
    );

    // The same templates built into a catalog give the same report, byte for byte: the overlay
    // joins by the build's rules (the embedded catalog is built from these templates).
    // (The run metadata names each catalog's source and differs; the rest is compared.)
    let (embedded, _) = analyze_json(&[&backups], &[]);
    let without_run = |bytes: &[u8]| {
        let mut json: serde_json::Value = serde_json::from_slice(bytes).expect("JSON report");
        json.as_object_mut().expect("object").remove("run");
        json
    };
    assert_eq!(without_run(&after.stdout), without_run(&embedded.stdout));
    // --quiet: no summary line of the overlay; its warnings stay (OneDrive.admx names a
    // category of Windows.admx, which the NSA set does not ship).
    let err = stderr(&after);
    assert!(!err.contains("gpa: --admx:"), "{err}");
    assert!(
        err.contains("OneDrive.admx: 1 reference(s) to categories"),
        "{err}"
    );
}

#[test]
fn the_overlay_summary_and_template_errors_go_to_stderr() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("Broken.admx");
    fs::write(&broken, "<policyDefinitions").unwrap();
    let chrome = corpus.join(NSA_ADMX).join("Chrome");
    let out = gpa(&[
        "analyze".to_string(),
        "--admx".to_string(),
        chrome.display().to_string(),
        "--admx".to_string(),
        dir.path().display().to_string(),
        "--admx".to_string(),
        dir.path().join("missing").display().to_string(),
        corpus
            .join(SCT)
            .join("{159ECA05-4C14-4DE4-94FE-578543473D7C}")
            .display()
            .to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    // The embedded catalog has Chrome's three templates (chrome, google, GoogleUpdate): nothing
    // to add; the broken file is named and not counted.
    assert!(
        err.contains("gpa: --admx: 3 template files in 2 folders: 0 policies the catalog lacked"),
        "{err}"
    );
    assert!(
        err.contains(&format!("gpa: {}:", broken.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "gpa: {}: not a folder of ADMX templates",
            dir.path().join("missing").display()
        )),
        "{err}"
    );
    assert!(stdout(&out).contains("MSFT Windows 10 1909 - BitLocker"));
}

#[test]
fn catalog_build_admx_adds_to_the_default_templates_and_says_so() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = gpa(&[
        "catalog".to_string(),
        "build".to_string(),
        "--admx".to_string(),
        corpus
            .join("admx/troennes-private-secure-windows")
            .display()
            .to_string(),
        "--out".to_string(),
        dir.path().display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--admx adds its templates to the default ones"),
        "{}",
        stderr(&out)
    );
    // The defaults' 7301 policies, and the troennes templates (SecGuide, MSS-legacy, AdmPwd,
    // RestrictedTrafficCustomPolicy) add none: the defaults have every one of them.
    assert!(
        stdout(&out).contains("7301 ADMX policies"),
        "{}",
        stdout(&out)
    );
    let info: Value =
        serde_json::from_slice(&fs::read(dir.path().join("build-info.json")).unwrap()).unwrap();
    assert_eq!(
        info["admx_folders"].as_array().unwrap().last().unwrap(),
        "admx/troennes-private-secure-windows/Templates"
    );
}

#[test]
fn quiet_prints_no_summary_but_still_names_a_damaged_file() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let backup = corpus
        .join(SCT)
        .join("{159ECA05-4C14-4DE4-94FE-578543473D7C}");
    let copy = dir.path().join("bitlocker");
    copy_tree(&backup, &copy);
    let pol = copy.join("DomainSysvol/GPO/Machine/registry.pol");
    let bytes = fs::read(&pol).unwrap();
    fs::write(&pol, &bytes[..bytes.len() / 2]).unwrap();
    let loud = gpa(&["analyze".to_string(), copy.display().to_string()]);
    let quiet = gpa(&[
        "--quiet".to_string(),
        "analyze".to_string(),
        copy.display().to_string(),
    ]);
    for out in [&loud, &quiet] {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
        let err = stderr(out);
        assert!(err.contains("gpa: damaged: "), "{err}");
        assert!(err.contains(&pol.display().to_string()), "{err}");
    }
    assert!(stdout(&loud).contains("MSFT Windows 10 1909 - BitLocker"));
    assert!(stdout(&quiet).is_empty(), "{}", stdout(&quiet));
    // convert -q: no table, the policies still written.
    let policies = dir.path().join("policies");
    let out = gpa(&[
        "convert".to_string(),
        "-q".to_string(),
        copy.display().to_string(),
        "--out".to_string(),
        policies.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(policies.join("conversion-summary.json").is_file());
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

#[test]
fn zip_entries_obey_the_file_size_limit_and_archives_a_total_limit() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let backup = corpus
        .join(SCT)
        .join("{159ECA05-4C14-4DE4-94FE-578543473D7C}");
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let zeros = vec![0u8; 1024 * 1024 + 1];
    // One entry over a 1 MiB limit beside a real backup: the entry is skipped and named, the
    // backup read.
    let big = dir.path().join("big.zip");
    zip_folder(&backup, "backup", &big);
    {
        let mut writer = zip::ZipWriter::new_append(
            fs::File::options()
                .read(true)
                .write(true)
                .open(&big)
                .unwrap(),
        )
        .unwrap();
        writer.start_file("backup/huge.bin", options).unwrap();
        writer.write_all(&zeros).unwrap();
        writer.finish().unwrap();
    }
    let out = gpa(&[
        "inventory".to_string(),
        "--max-file-size".to_string(),
        "1".to_string(),
        big.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "gpa: {}!/backup/huge.bin: 1048577 bytes, over the 1 MiB limit per file: skipped",
            big.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("MSFT Windows 10 1909 - BitLocker"));
    // Five entries of 1 MiB: more than four times the per-file limit in all, refused whole.
    let bomb = dir.path().join("bomb.zip");
    let mut writer = zip::ZipWriter::new(fs::File::create(&bomb).unwrap());
    for i in 0..5 {
        writer.start_file(format!("part{i}.bin"), options).unwrap();
        writer.write_all(&zeros[..1024 * 1024]).unwrap();
    }
    writer.finish().unwrap();
    let out = gpa(&[
        "inventory".to_string(),
        "--max-file-size".to_string(),
        "1".to_string(),
        bomb.display().to_string(),
        backup.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "gpa: {}: unpacks to 5242880 bytes, over the 4 MiB an archive may hold",
            bomb.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("MSFT Windows 10 1909 - BitLocker"));
}
