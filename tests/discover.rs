//! Finding and reading GPOs: the fixtures under test-gpos/ and every folder of the corpus.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use gpa::input::backup;
use gpa::input::discover::{self, Input, ReadOutcome};
use gpa::model::Gpo;
use proptest::prelude::*;

const REGISTRY_CSE: &str = "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}";
const SECURITY_CSE: &str = "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}";
const WORKSTATION: &str = "{0A1B2C3D-0000-4000-8000-00000000000A}";
const OLD_BACKUP: &str = "{11111111-1111-4111-8111-111111111111}";
const NEW_BACKUP: &str = "{22222222-2222-4222-8222-222222222222}";
const USERS_BACKUP: &str = "{33333333-3333-4333-8333-333333333333}";

fn read(paths: &[PathBuf]) -> ReadOutcome {
    discover::read_paths(paths)
}

fn gpo<'a>(outcome: &'a ReadOutcome, name: &str) -> &'a Gpo {
    outcome
        .gpos
        .iter()
        .find(|g| g.display_name == name)
        .unwrap_or_else(|| panic!("no GPO named {name:?}"))
}

fn names(outcome: &ReadOutcome) -> Vec<&str> {
    outcome
        .gpos
        .iter()
        .map(|g| g.display_name.as_str())
        .collect()
}

/// A private copy of a fixture folder, to break files in.
fn scratch_copy(fixture: &str, test: &str) -> PathBuf {
    let dest = std::env::temp_dir().join(format!("gpa-discover-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dest);
    copy_dir(&common::fixtures().join(fixture), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn backup_root_takes_the_newest_backup_of_a_gpo_and_says_so() {
    let outcome = read(&[common::fixtures().join("backups")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(
        names(&outcome),
        vec!["Fixture Users", "Fixture Workstation"]
    );
    let ws = gpo(&outcome, "Fixture Workstation");
    assert_eq!(ws.guid.as_deref(), Some(WORKSTATION));
    assert_eq!(ws.domain.as_deref(), Some("contoso.test"));
    let backup = ws.backup.as_ref().unwrap();
    assert_eq!(backup.id.as_deref(), Some(NEW_BACKUP));
    assert_eq!(backup.time.as_deref(), Some("2024-06-20T17:30:00"));
    assert_eq!(backup.comment.as_deref(), Some("fixture 22222222"));
    assert_eq!(
        backup.domain_controller.as_deref(),
        Some("DC01.contoso.test")
    );
    assert!(ws.origin.ends_with(NEW_BACKUP), "{}", ws.origin);
    let note = ws
        .notes
        .iter()
        .find(|n| n.starts_with("took backup"))
        .expect("a note on the backup taken");
    assert_eq!(
        note,
        &format!(
            "took backup {NEW_BACKUP} of 2024-06-20T17:30:00 (the newest); skipped 1 older backup \
             of this GPO: {OLD_BACKUP} (2024-01-15T09:00:00)"
        )
    );
    let users = gpo(&outcome, "Fixture Users");
    assert!(!users.notes.iter().any(|n| n.starts_with("took backup")));
}

#[test]
fn halves_extensions_and_wmi_filter_come_from_backup_xml() {
    let outcome = read(&[common::fixtures().join("backups")]);
    let ws = gpo(&outcome, "Fixture Workstation");
    assert!(ws.computer_enabled);
    assert!(!ws.user_enabled, "Options 1 switches the user half off");
    assert_eq!(ws.machine_extensions, vec![REGISTRY_CSE, SECURITY_CSE]);
    assert!(ws.user_extensions.is_empty());
    assert_eq!(ws.wmi_filter.as_deref(), Some("Windows 11"));
    let users = gpo(&outcome, "Fixture Users");
    assert!(
        !users.computer_enabled,
        "Options 2 switches the computer half off"
    );
    assert!(users.user_enabled);
    assert!(users.machine_extensions.is_empty());
    assert_eq!(users.user_extensions, vec![REGISTRY_CSE]);
    assert_eq!(users.wmi_filter, None);
}

#[test]
fn file_names_in_other_letter_case_are_found() {
    // "Fixture Users" has Bkupinfo.xml and DomainSysvol/GPO/USER/Registry.pol, while its
    // Backup.xml names User\registry.pol: no error means the Location resolved.
    let outcome = read(&[common::fixtures().join("backups").join(USERS_BACKUP)]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let users = gpo(&outcome, "Fixture Users");
    let backup = users.backup.as_ref().unwrap();
    assert_eq!(backup.time.as_deref(), Some("2024-06-20T17:31:00"));
    assert_eq!(backup.comment.as_deref(), Some("fixture 33333333"));
    assert!(
        users.notes.iter().any(|n| n.starts_with("no gpreport.xml")),
        "{:?}",
        users.notes
    );
}

#[test]
fn one_backup_folder_alone_is_read_without_choosing() {
    let outcome = read(&[common::fixtures().join("backups").join(OLD_BACKUP)]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.gpos.len(), 1);
    let ws = &outcome.gpos[0];
    assert_eq!(ws.backup.as_ref().unwrap().id.as_deref(), Some(OLD_BACKUP));
    assert!(ws.computer_enabled && ws.user_enabled, "Options 0");
    assert!(!ws.notes.iter().any(|n| n.starts_with("took backup")));
}

#[test]
fn a_path_given_twice_or_inside_another_yields_each_gpo_once() {
    let root = common::fixtures().join("backups");
    let outcome = read(&[root.clone(), root.join(NEW_BACKUP), root.clone()]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(
        names(&outcome),
        vec!["Fixture Users", "Fixture Workstation"]
    );
}

#[test]
fn sysvol_style_folder() {
    let dir = common::fixtures().join("sysvol");
    let found = discover::find_inputs(std::slice::from_ref(&dir));
    assert_eq!(found.inputs.len(), 1, "{:?}", found.inputs);
    assert!(matches!(&found.inputs[0], Input::GpoFolder { .. }));
    let outcome = read(&[dir]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let g = gpo(&outcome, "Fixture SYSVOL GPO");
    assert_eq!(
        g.guid.as_deref(),
        Some("{0C1B2C3D-0000-4000-8000-00000000000C}")
    );
    assert_eq!(
        g.machine_extensions,
        vec![REGISTRY_CSE, "{42B5FAAE-6536-11D2-AE5A-0000F87571E3}"]
    );
    assert!(g.backup.is_none());
    assert!(g.computer_enabled && g.user_enabled);
    assert!(g.notes.iter().any(|n| n.starts_with("SYSVOL-style folder")));
}

#[test]
fn whole_fixture_tree_in_deterministic_order() {
    let outcome = read(&[common::fixtures()]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(
        names(&outcome),
        vec![
            "Fixture Sudo inline",
            "Fixture SYSVOL GPO",
            "Fixture Users",
            "Fixture Workstation",
            "MSFT Windows 10 1909 - User",
            "Synthetic GPP with passwords",
            "Synthetic unknown extension and error",
            "Windows Client Policy"
        ]
    );
    let again = read(&[common::fixtures()]);
    assert_eq!(outcome.gpos, again.gpos);
}

#[test]
fn sct_1909_user_backup_metadata() {
    let outcome = read(&[common::fixtures().join("sct-1909")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let g = gpo(&outcome, "MSFT Windows 10 1909 - User");
    assert_eq!(
        g.guid.as_deref(),
        Some("{5EFE73E2-0243-4B76-A042-D81016CB6C33}")
    );
    assert_eq!(g.domain.as_deref(), Some("security.local"));
    let backup = g.backup.as_ref().unwrap();
    assert_eq!(
        backup.id.as_deref(),
        Some("{45CA52BB-19DE-487A-9CE8-0A95B18F6054}")
    );
    assert_eq!(backup.time.as_deref(), Some("2019-11-12T00:30:04"));
    assert_eq!(
        backup.domain_controller.as_deref(),
        Some("DC-SEC-01.security.local")
    );
    assert!(!g.computer_enabled);
    assert!(g.user_enabled);
    assert_eq!(g.user_extensions, vec![REGISTRY_CSE]);
}

#[test]
fn report_given_directly_is_recognised() {
    let report = common::fixtures()
        .join("backups")
        .join(NEW_BACKUP)
        .join("gpreport.xml");
    let found = discover::find_inputs(std::slice::from_ref(&report));
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.inputs, vec![Input::Report(report)]);
}

#[test]
fn unusable_paths_are_errors_with_their_path() {
    let missing = common::fixtures().join("no-such-folder");
    let not_a_report = common::fixtures().join("README.md");
    let empty = std::env::temp_dir().join(format!("gpa-discover-{}-empty", std::process::id()));
    fs::create_dir_all(&empty).unwrap();
    let outcome = read(&[
        missing.clone(),
        not_a_report.clone(),
        empty.clone(),
        common::fixtures().join("backups"),
    ]);
    assert_eq!(outcome.gpos.len(), 2, "the good path is still read");
    let paths: Vec<&Path> = outcome.errors.iter().map(|e| e.path.as_path()).collect();
    assert!(paths.contains(&missing.as_path()), "{:?}", outcome.errors);
    assert!(paths.contains(&not_a_report.as_path()));
    assert!(paths.contains(&empty.as_path()));
    let empty_error = outcome.errors.iter().find(|e| e.path == empty).unwrap();
    assert_eq!(
        empty_error.reason,
        "no GPO backup, SYSVOL-style GPO folder, GPO report, .PolicyRules or LGPO text file found"
    );
    let _ = fs::remove_dir_all(&empty);
}

#[cfg(unix)]
#[test]
fn a_broken_file_is_reported_and_the_rest_is_read() {
    let root = scratch_copy("backups", "broken");
    // An unreadable GptTmpl.inf (a dangling link) in the newest Workstation backup…
    let gpttmpl = root
        .join(NEW_BACKUP)
        .join("DomainSysvol/GPO/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf");
    fs::remove_file(&gpttmpl).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere"), &gpttmpl).unwrap();
    // …a Backup.xml that is not XML and a registry.pol it lists that is gone, in "Fixture Users".
    let users = root.join(USERS_BACKUP);
    fs::write(users.join("Backup.xml"), "<GroupPolicyBackupScheme><broken").unwrap();
    let old = root.join(OLD_BACKUP);
    fs::remove_file(old.join("DomainSysvol/GPO/Machine/registry.pol")).unwrap();

    let outcome = read(std::slice::from_ref(&root));
    assert_eq!(
        names(&outcome),
        vec!["Fixture Users", "Fixture Workstation"]
    );
    let errors: Vec<(PathBuf, String)> = outcome
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.reason.clone()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|(p, _)| *p == gpttmpl), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|(p, r)| *p == users.join("Backup.xml") && r.starts_with("XML error")),
        "{errors:?}"
    );
    // The old backup is skipped, so its missing file is never looked at.
    let ws = gpo(&outcome, "Fixture Workstation");
    assert_eq!(ws.backup.as_ref().unwrap().id.as_deref(), Some(NEW_BACKUP));
    // Without Backup.xml the name and GUID still come from bkupInfo.xml.
    let u = gpo(&outcome, "Fixture Users");
    assert_eq!(
        u.guid.as_deref(),
        Some("{0B1B2C3D-0000-4000-8000-00000000000B}")
    );

    // Reading the old backup alone reports the file Backup.xml lists and the backup lacks.
    let alone = read(std::slice::from_ref(&old));
    assert_eq!(alone.gpos.len(), 1);
    assert_eq!(alone.errors.len(), 1, "{:?}", alone.errors);
    assert_eq!(
        alone.errors[0].path,
        old.join("DomainSysvol/GPO/Machine/registry.pol")
    );
    assert!(alone.errors[0].reason.contains("listed in Backup.xml"));
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn newest_backup_values_and_report_reconciliation() {
    use gpa::model::{RegistryData, SettingId, SettingKind, SettingValue};
    let outcome = read(&[common::fixtures().join("backups")]);
    let ws = gpo(&outcome, "Fixture Workstation");
    let allow_basic = ws
        .settings
        .iter()
        .find(|s| matches!(&s.id, SettingId::Registry { value_name, .. } if value_name == "AllowBasic"))
        .expect("AllowBasic from registry.pol");
    match &allow_basic.value {
        SettingValue::Registry(i) => assert_eq!(i.data, RegistryData::Dword(0)),
        other => panic!("{other:?}"),
    }
    assert!(allow_basic.source.file.contains(NEW_BACKUP));
    let min_len = ws
        .settings
        .iter()
        .find(|s| s.kind == SettingKind::AccountPolicy)
        .expect("MinimumPasswordLength from GptTmpl.inf");
    assert_eq!(min_len.value, SettingValue::Number { value: 14 });
    assert_eq!(ws.report_policies.len(), 2);
    assert_eq!(ws.links.len(), 1);
    assert_eq!(ws.links[0].som_path, "contoso.test/Workstations");
    assert_eq!(ws.created_time.as_deref(), Some("2024-01-10T08:00:00"));
    assert!(ws.discrepancies.is_empty(), "{:?}", ws.discrepancies);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn backup_metadata_readers_do_not_panic(
        cut in 0usize..6000,
        flips in proptest::collection::vec((0usize..6000, any::<u8>()), 0..8),
        which in 0usize..3,
    ) {
        let dir = common::fixtures().join("backups").join(NEW_BACKUP);
        let file = ["Backup.xml", "bkupInfo.xml", "../manifest.xml"][which];
        let mut bytes = fs::read(dir.join(file)).unwrap();
        for (at, b) in flips {
            let len = bytes.len();
            if let Some(byte) = bytes.get_mut(at % len.max(1)) {
                *byte ^= b;
            }
        }
        bytes.truncate(cut);
        let text = gpa::input::text::decode_text(&bytes);
        let _ = backup::read_backup_scheme(&text);
        let _ = backup::read_bkup_info(&text);
        let _ = backup::read_manifest(&text);
        let _ = backup::read_gpt_ini(&text);
        let _ = backup::extension_guids(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus

/// GPOs found in each corpus folder: one per backup (no GPO has two backups in the corpus), plus
/// the two loose SYSVOL-style folders of troennes (BasicPrivacy and ExtremePrivacy).
const CORPUS_COUNTS: [(&str, usize); 9] = [
    ("blumira-logmira", 1),
    ("dasar0410-micronsoft-ad", 20),
    ("issenn-win10-secure-baseline-gpo", 1),
    ("losttroll-vulnerabledirectory", 3),
    ("msft-sct-windows10-1909", 11),
    ("nsacyber-windows-secure-host-baseline", 14),
    ("simeononsecurity-wohd-2025", 55),
    ("t0x01-group-policy-objects", 27),
    ("troennes-private-secure-windows", 11),
];

fn corpus_folder(corpus: &Path, name: &str) -> ReadOutcome {
    let outcome = read(&[corpus.join("gpo-backups").join(name)]);
    assert!(outcome.errors.is_empty(), "{name}: {:?}", outcome.errors);
    outcome
}

#[test]
fn corpus_every_backup_folder_is_read() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut backups = 0;
    let mut loose = 0;
    let (mut computer_off, mut user_off) = (0, 0);
    let mut guids = Vec::new();
    for (name, count) in CORPUS_COUNTS {
        let outcome = corpus_folder(&corpus, name);
        assert_eq!(outcome.gpos.len(), count, "{name}: {:?}", names(&outcome));
        for g in &outcome.gpos {
            assert!(!g.display_name.is_empty(), "{name}: {}", g.origin);
            match &g.backup {
                Some(b) => {
                    backups += 1;
                    assert!(b.time.is_some(), "{}", g.origin);
                    guids.push((g.domain.clone(), g.guid.clone().expect("backup GUID")));
                    computer_off += usize::from(!g.computer_enabled);
                    user_off += usize::from(!g.user_enabled);
                }
                None => loose += 1,
            }
        }
    }
    assert_eq!(backups, 141);
    assert_eq!(loose, 2);
    // Backup.xml Options over the corpus: 36 × 0, 71 × 1 (user off), 34 × 2 (computer off).
    assert_eq!((computer_off, user_off), (34, 71));
    guids.sort();
    guids.dedup();
    assert_eq!(guids.len(), 141, "every backup is a different GPO");
}

#[test]
fn corpus_loose_sysvol_folders_of_troennes() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let outcome = corpus_folder(&corpus, "troennes-private-secure-windows");
    let loose: Vec<&Gpo> = outcome.gpos.iter().filter(|g| g.backup.is_none()).collect();
    let labels: Vec<&str> = loose.iter().map(|g| g.display_name.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "troennes-private-secure-windows/GPOs/BasicPrivacy/Version 21H2_Win10/Enterprise/GPO",
            "troennes-private-secure-windows/GPOs/ExtremePrivacy/Version 21H2_Win10/Enterprise/GPO",
        ]
    );
    for g in &loose {
        assert_eq!(g.guid, None);
    }
    // BasicPrivacy has a registry.pol beside each LGPO text file: the text is not read.
    // ExtremePrivacy has none: its machine.txt and user.txt are its registry settings.
    for (g, note) in loose.iter().zip([
        "LGPO text not read",
        "registry settings read from LGPO text",
    ]) {
        assert_eq!(
            g.notes.iter().filter(|n| n.starts_with(note)).count(),
            2,
            "machine.txt and user.txt: {:?}",
            g.notes
        );
    }
    // ExtremePrivacy keeps its GptTmpl.inf directly in Machine/.
    assert!(
        loose[1]
            .notes
            .iter()
            .any(|n| n.starts_with("GptTmpl.inf read from Machine/"))
    );
}

#[test]
fn corpus_issenn_hand_assembled_backup() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let outcome = corpus_folder(&corpus, "issenn-win10-secure-baseline-gpo");
    let g = gpo(&outcome, "Win10 Secure Baseline");
    assert_eq!(
        g.guid.as_deref(),
        Some("{FACCA114-6E57-4027-AB08-D891F66A4A24}")
    );
    assert_eq!(
        g.backup.as_ref().unwrap().id.as_deref(),
        Some("{07BDCD6A-3F72-473C-82B9-67BB69DBE54D}")
    );
    assert!(g.notes.contains(
        &"bkupInfo.xml gives backup ID {07BDCD6A-3F72-473C-82B9-67BB69DBE54D}, but the folder is \
          named {4131AA1E-426D-4FAD-A529-124F5BD646D3}"
            .to_string()
    ));
    assert!(g.notes.iter().any(|n| n.starts_with("no gpreport.xml")));
    assert_eq!(
        g.machine_extensions,
        vec![
            "{169EBF44-942F-4C43-87CE-13C93996EBBE}",
            "{29BBE2D5-DE47-4855-97D7-2745E166DC6D}",
            "{2BFCC077-22D2-48DE-BDE1-2F618D9B476D}",
            REGISTRY_CSE,
            "{7933F41E-56F8-41D6-A31C-4148A711EE93}",
            SECURITY_CSE,
            "{C631DF4C-088F-4156-B058-4375F0853CD8}",
            "{CDEAFC3D-948D-49DD-AB12-E578BA4AF7AA}",
            "{F3CCC681-B74C-4060-9F26-CD84525DCA2A}",
        ]
    );
    assert_eq!(g.user_extensions, vec![REGISTRY_CSE]);
}

#[test]
fn corpus_dasar_names_and_stale_manifest() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // The manifest sits in GPOs/, the backups in GPOs/GPOer/: found by walking, not by the manifest.
    let outcome = corpus_folder(&corpus, "dasar0410-micronsoft-ad");
    let ddp = gpo(&outcome, "Default Domain Policy");
    assert_eq!(
        ddp.guid.as_deref(),
        Some("{31B2F340-016D-11D2-945F-00C04FB984F9}")
    );
    assert_eq!(ddp.domain.as_deref(), Some("micron.soft"));
    assert_eq!(names(&outcome)[0], "[Adm] Bakgrunn");
    assert!(names(&outcome).contains(&"[IT] CMD on"));
}

#[test]
fn corpus_t0x01_wmi_filters() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let outcome = corpus_folder(&corpus, "t0x01-group-policy-objects");
    let count = |name: &str| {
        outcome
            .gpos
            .iter()
            .filter(|g| g.wmi_filter.as_deref() == Some(name))
            .count()
    };
    assert_eq!(count("Windows Server 2022"), 10);
    assert_eq!(count("Windows 11"), 6);
    assert_eq!(count("PDCe DC"), 1);
    assert_eq!(count("Non-PDCe DC"), 1);
}

#[test]
fn corpus_every_report_is_found_and_read() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("gpo-reports");
    let found = discover::find_inputs(std::slice::from_ref(&dir));
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let mut reports: Vec<String> = found
        .inputs
        .iter()
        .map(|i| match i {
            Input::Report(p) => p.file_name().unwrap().to_string_lossy().into_owned(),
            other => panic!("not a report: {other:?}"),
        })
        .collect();
    reports.sort();
    assert_eq!(
        reports,
        vec![
            "AllPreferences1.xml",
            "AllSettings1.xml",
            "Win11-24H2-MSFT-BaselineTest on Win11-24H2-MSFT-BaselineTest.xml",
            "Windows Client Policy.xml",
        ]
    );
    let outcome = read(&[dir]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
}

#[test]
fn corpus_all_backups_at_once() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let outcome = read(&[corpus.join("gpo-backups")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.gpos.len(), 143);
}
