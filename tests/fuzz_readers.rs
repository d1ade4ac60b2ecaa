//! Fuzzing every reader entry point with mutations of real corpus files (truncation, bit flips,
//! inserted bytes): no reader may panic, and a damaged file is reported (an error, or a damage
//! record), never read in part in silence where the format lets us tell.
//!
//! A short run is part of `cargo test`; `GPA_FUZZ_CASES=20000 cargo test --release --test
//! fuzz_readers` is the long run (the catalog cases take a tenth of that).

mod common;

use std::path::{Path, PathBuf};

use gpa::input::damage::{TextKind, read_text_file};
use gpa::input::{backup, gpreport, registry_pol};
use gpa::model::Scope;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const SCT: &str = "gpo-backups/msft-sct-windows10-1909/GPOs";
const COMPUTER: &str = "{ECA4D7B0-93B4-47C2-BC43-8AC523D4D75E}";

fn cases(default: u32) -> u32 {
    std::env::var("GPA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One change to a file's bytes; positions are fractions of the length, so one strategy fits
/// every seed.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(f64),
    Flip(f64, u8),
    Insert(f64, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, 0u8..8).prop_map(|(at, bit)| Mutation::Flip(at, bit)),
        (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
    ]
}

fn apply(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for m in mutations {
        let at = |f: f64, len: usize| ((len as f64 * f) as usize).min(len);
        match m {
            Mutation::Truncate(f) => bytes.truncate(at(*f, bytes.len())),
            Mutation::Flip(f, bit) => {
                let i = at(*f, bytes.len());
                if let Some(b) = bytes.get_mut(i) {
                    *b ^= 1 << bit;
                }
            }
            Mutation::Insert(f, extra) => {
                let i = at(*f, bytes.len());
                bytes.splice(i..i, extra.iter().copied());
            }
        }
    }
    bytes
}

fn fuzz(seed: &[u8], count: u32, check: impl Fn(&[u8])) {
    let mut runner = TestRunner::new(Config {
        cases: count,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(mutation(), 1..4), |mutations| {
            check(&apply(seed, &mutations));
            Ok(())
        })
        .unwrap();
}

fn seed(corpus: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(corpus.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn machine(rel: &str) -> String {
    format!("{SCT}/{COMPUTER}/DomainSysvol/GPO/Machine/{rel}")
}

#[test]
fn registry_pol_mutations_never_panic_and_truncation_is_always_reported() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let whole = seed(&corpus, &machine("registry.pol"));
    let full = registry_pol::parse(&whole).unwrap().entries.len();
    assert_eq!(full, 100);
    fuzz(&whole, cases(256), |bytes| {
        let _ = registry_pol::read_checked(bytes, Scope::Device, "registry.pol");
    });
    // Every cut: an error (inside the header), damage, or an exact instruction boundary (which
    // PReg cannot tell from a whole file; the gpreport.xml comparison names those losses).
    let mut runner = TestRunner::new(Config {
        cases: cases(256),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(0..whole.len()), |cut| {
            let bytes = &whole[..cut];
            match registry_pol::parse(bytes) {
                Err(_) => prop_assert!(cut < 8),
                Ok(pol) if pol.damage.is_none() => {
                    prop_assert!(cut == 8 || bytes.ends_with(&[b']', 0]));
                    prop_assert!(pol.entries.len() < full);
                }
                Ok(_) => {}
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn text_reader_mutations_never_panic() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let fixtures = common::fixtures();
    let seeds: [(TextKind, Vec<u8>); 5] = [
        (
            TextKind::GptTmpl,
            seed(
                &corpus,
                &machine("microsoft/windows nt/SecEdit/GptTmpl.inf"),
            ),
        ),
        (
            TextKind::AuditCsv,
            seed(&corpus, &machine("microsoft/windows nt/Audit/audit.csv")),
        ),
        (
            TextKind::Scripts { powershell: false },
            std::fs::read(
                fixtures.join(
                    "sysvol/{0C1B2C3D-0000-4000-8000-00000000000C}/MACHINE/Scripts/Scripts.ini",
                ),
            )
            .unwrap(),
        ),
        (
            TextKind::Preferences,
            seed(
                &corpus,
                "gpo-backups/simeononsecurity-wohd-2025/DoD/IE11/DoD - Internet Explorer 11 - User/{A0BC1714-C6A6-411E-8383-34182EDB6149}/DomainSysvol/GPO/User/Preferences/Registry/Registry.xml",
            ),
        ),
        (
            TextKind::FolderRedirection,
            b"[FolderStatus]\r\nMy Documents=11\r\n[My Documents]\r\ns-1-1-0=\\\\server\\share\r\n"
                .to_vec(),
        ),
    ];
    for (kind, whole) in &seeds {
        let read = read_text_file(*kind, Scope::Device, whole, "f").unwrap();
        assert_eq!(read.damage, None, "{kind:?}: the real file is whole");
        fuzz(whole, cases(128), |bytes| {
            let _ = read_text_file(*kind, Scope::Device, bytes, "f");
        });
    }
}

#[test]
fn a_gpttmpl_inf_cut_before_its_version_section_or_inside_a_header_is_reported() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let whole = seed(
        &corpus,
        &machine("microsoft/windows nt/SecEdit/GptTmpl.inf"),
    );
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
    let find = |needle: &[u8]| {
        whole
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };
    // Everything before the end of the [Version] header line lacks [Version]; a cut inside a
    // later section header ("[Privil") is a cut line. Cuts on a line boundary after [Version]
    // cannot be told from the file alone (the gpreport.xml comparison names what they lose).
    let version_end = find(&utf16("[Version]")) + utf16("[Version]").len();
    let rights = find(&utf16("[Privilege Rights]"));
    let mut runner = TestRunner::new(Config {
        cases: cases(128),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &prop_oneof![0..version_end, rights + 2..rights + 34],
            |cut| {
                // An error (no section header left at all) reports it too.
                if let Ok(read) =
                    read_text_file(TextKind::GptTmpl, Scope::Device, &whole[..cut], "t")
                {
                    prop_assert!(read.damage.is_some(), "cut at {cut} not reported");
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn xml_reader_mutations_never_panic() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let report = seed(&corpus, &format!("{SCT}/{COMPUTER}/gpreport.xml"));
    let bkup = seed(&corpus, &format!("{SCT}/{COMPUTER}/bkupInfo.xml"));
    let scheme = seed(&corpus, &format!("{SCT}/{COMPUTER}/Backup.xml"));
    let manifest = seed(&corpus, &format!("{SCT}/manifest.xml"));
    let text = |b: &[u8]| gpa::input::text::decode_text(b);
    fuzz(&report, cases(32), |b| {
        let _ = gpreport::parse(&text(b), "gpreport.xml");
    });
    fuzz(&bkup, cases(128), |b| {
        let _ = backup::read_bkup_info(&text(b));
    });
    fuzz(&scheme, cases(128), |b| {
        let _ = backup::read_backup_scheme(&text(b));
    });
    fuzz(&manifest, cases(128), |b| {
        let _ = backup::read_manifest(&text(b));
        let _ = backup::read_gpt_ini(&text(b));
    });
}

#[test]
fn intune_policy_mutations_never_panic_and_truncation_is_reported() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // NCSC's General policy: UTF-16LE, 91 settings, group collections and nested children.
    let policy = seed(
        &corpus,
        "settings-catalog/policies/ukncsc-device-security-guidance/Microsoft/Windows/MDM/Configurations/SettingsCatalog/2025-NCSC-General.json",
    );
    let path = Path::new("2025-NCSC-General.json");
    let catalog = gpa::catalog::Catalog::embedded().expect("embedded catalog");
    fuzz(&policy, cases(64), |bytes| {
        let (policies, errors) = gpa::input::intune_policy::read_bytes(bytes, path);
        if bytes.len() < policy.len() && policy.starts_with(bytes) {
            assert!(!errors.is_empty(), "a cut policy read without a word");
        }
        for p in &policies {
            for instance in &p.settings {
                let _ = gpa::catalog::instance::value_text(catalog, instance);
            }
        }
    });
}

#[test]
fn catalog_file_mutations_never_panic() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("admx-catalog/catalog.bin");
    let whole = std::fs::read(&path).unwrap();
    fuzz(&whole, cases(40) / 10, |bytes| {
        let _ = gpa::catalog::Catalog::from_bytes(bytes);
    });
}

/// The baseline forms: a `.PolicyRules` file and LGPO text. No mutation panics; a cut anywhere
/// inside the last record or block is reported (a damage record, or an error when nothing was
/// read), never read in part in silence.
#[test]
fn baseline_reader_mutations_never_panic_and_cuts_are_reported() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    use gpa::input::{lgpo_text, policy_rules, text};
    let rules = seed(
        &corpus,
        "policy-analyzer/mxk-windows-secure-group-policy/MSFT-Edge-v139.PolicyRules",
    );
    let whole = policy_rules::read(&text::decode_text(&rules), "f.PolicyRules").unwrap();
    assert!(whole.iter().all(|g| g.damage.is_empty()));
    fuzz(&rules, cases(128), |bytes| {
        let _ = policy_rules::read(&text::decode_text(bytes), "f.PolicyRules");
    });
    // Every cut before the closing tag is damage or an error.
    let closing = rules.len() - "</PolicyRules>\r\n".len();
    for cut in (1..closing).step_by(97) {
        let read = policy_rules::read(&text::decode_text(&rules[..cut]), "f.PolicyRules");
        if let Ok(gpos) = read {
            assert!(
                gpos.iter().all(|g| !g.damage.is_empty()),
                "cut at byte {cut} not reported"
            );
        }
    }

    let lgpo = seed(
        &corpus,
        "gpo-backups/troennes-private-secure-windows/GPOs/BasicPrivacy/Version 21H2_Win10/Enterprise/GPO/Machine/machine.txt",
    );
    let read = lgpo_text::read(&text::decode_text(&lgpo), "machine.txt");
    assert!(read.damage.is_none());
    fuzz(&lgpo, cases(128), |bytes| {
        let _ = lgpo_text::read(&text::decode_text(bytes), "machine.txt");
    });
}
