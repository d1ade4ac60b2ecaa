//! `gpa compare` on real data: Microsoft's SCT 1909 GPOs against the OpenIntuneBaseline and NCSC
//! Intune exports (named settings same, different, not in Intune, not comparable), GPOs against
//! their own conversion (the same everywhere), damaged and foreign `--intune` files, UTF-16, and
//! the three reports.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gpa::catalog::Catalog;
use gpa::emit::convert::{Merge, convert, write_files};
use gpa::input::discover::read_paths;
use gpa::input::intune_policy::{self, IntunePolicy};
use gpa::matching::analyze::{Analysis, OverlapKind, Readiness, analyze};
use gpa::matching::compare::{Compared, ComparedSetting, Comparison, compare};
use gpa::model::Inventory;
use serde_json::Value;

const WIN10_COMPUTER: &str = "MSFT Windows 10 1909 - Computer";
const OIB_LOCAL_SECURITY: &str =
    "Win - OIB - SC - Device Security - D - Local Security Policies - v3.0";
const OIB_LOCK_SCREEN: &str = "Win - OIB - SC - Device Security - D - Login and Lock Screen - v3.1";
const OIB_USER_RIGHTS: &str = "Win - OIB - SC - Device Security - D - User Rights - v3.7";

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("embedded catalog")
}

fn sct(corpus: &Path) -> PathBuf {
    corpus.join("gpo-backups/msft-sct-windows10-1909")
}

/// The backup folder of "MSFT Windows 10 1909 - Computer".
fn sct_win10_computer(corpus: &Path) -> PathBuf {
    sct(corpus).join("GPOs/{ECA4D7B0-93B4-47C2-BC43-8AC523D4D75E}")
}

fn oib(corpus: &Path) -> PathBuf {
    corpus.join("settings-catalog/policies/openintunebaseline/WINDOWS/IntuneManagement")
}

fn ncsc(corpus: &Path) -> PathBuf {
    corpus.join("settings-catalog/policies/ukncsc-device-security-guidance")
}

fn oib_file(corpus: &Path, folder: &str, name: &str) -> PathBuf {
    oib(corpus).join(folder).join(format!("{name}.json"))
}

fn analysed(paths: &[PathBuf]) -> (Inventory, Analysis) {
    let outcome = read_paths(paths);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let analysis = analyze(&inventory, catalog());
    (inventory, analysis)
}

/// The settings of the GPO with this display name.
fn settings_of<'c>(
    inventory: &Inventory,
    compared: &'c Compared,
    gpo: &str,
) -> &'c [ComparedSetting] {
    &compared
        .gpos
        .iter()
        .find(|g| inventory.gpos[g.gpo].display_name == gpo)
        .unwrap_or_else(|| panic!("no GPO {gpo}"))
        .settings
}

fn setting<'c>(settings: &'c [ComparedSetting], definition_id: &str) -> &'c ComparedSetting {
    let found: Vec<&ComparedSetting> = settings
        .iter()
        .filter(|s| s.definition_id.as_deref() == Some(definition_id))
        .collect();
    assert_eq!(found.len(), 1, "{definition_id}");
    found[0]
}

fn gpa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .output()
        .expect("run gpa")
}

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gpa-compare-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sct_windows10_computer_against_openintunebaseline_and_ncsc() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[sct_win10_computer(&corpus)]);
    let read = intune_policy::read_paths(&[oib(&corpus), ncsc(&corpus)]);
    // The exports hold compliance policies, update rings, Endpoint Security intents and a
    // DFCI profile beside the settings catalog policies: each is named and skipped.
    assert_eq!(read.errors.len(), 16, "{:?}", read.errors);
    assert!(
        read.errors
            .iter()
            .all(|e| e.reason.starts_with("not a settings catalog policy")),
        "{:?}",
        read.errors
    );
    assert!(read.errors.iter().any(|e| {
        e.path
            .ends_with("CompliancePolicies/Win - OIB - Compliance - U - Password - v3.1.json")
    }));
    assert_eq!(read.policies.len(), 68);
    let compared = compare(&inventory, &analysis, &read.policies, catalog());
    let settings = settings_of(&inventory, &compared, WIN10_COMPUTER);

    // Same: one option, three policies (OIB's two Local Security Policies and NCSC General).
    let lm = setting(
        settings,
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel",
    );
    assert_eq!(
        lm.name,
        "Network security: LAN Manager authentication level"
    );
    assert_eq!(lm.comparison, Comparison::Same);
    assert_eq!(
        lm.gpo_value,
        "Send LM and NTLMv2 responses only. Refuse LM and NTLM"
    );
    assert_eq!(lm.intune_value, lm.gpo_value);
    assert!(lm.intune_policies.contains(&OIB_LOCAL_SECURITY.to_string()));
    assert!(
        lm.intune_policies
            .contains(&"2025-NCSC-General".to_string())
    );
    assert_eq!(lm.reason, "");

    // Same: an ADMX policy with an element child, equal in both.
    let log = setting(
        settings,
        "device_vendor_msft_policy_config_eventlogservice_specifymaximumfilesizesecuritylog",
    );
    assert_eq!(log.comparison, Comparison::Same);
    assert_eq!(log.gpo_value, "Enabled [Maximum Log Size (KB): 196608]");

    // Same: a collection, as a set.
    let network = setting(
        settings,
        "device_vendor_msft_policy_config_userrights_accessfromnetwork",
    );
    assert_eq!(network.comparison, Comparison::Same);
    assert_eq!(network.gpo_value, "*S-1-5-32-544, *S-1-5-32-555");
    assert_eq!(network.intune_policies, [OIB_USER_RIGHTS]);

    // Same: a firewall profile value, which Intune nests under EnableFirewall.
    let inbound = setting(
        settings,
        "vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction",
    );
    assert_eq!(inbound.comparison, Comparison::Same);
    assert_eq!(inbound.gpo_value, "Block");

    // Different: SCT disables automatic restart sign-on, OpenIntuneBaseline enables it.
    let arso = setting(
        settings,
        "device_vendor_msft_policy_config_windowslogon_allowautomaticrestartsignon",
    );
    assert_eq!(arso.comparison, Comparison::Different);
    assert_eq!(arso.gpo_value, "Disabled");
    assert_eq!(arso.intune_value, "Enabled");
    assert_eq!(arso.intune_policies, [OIB_LOCK_SCREEN]);
    assert_eq!(
        arso.reason,
        format!("Intune sets another value ({OIB_LOCK_SCREEN})")
    );

    // Different: OpenIntuneBaseline denies network logon to Guests (S-1-5-32-546) too.
    let deny = setting(
        settings,
        "device_vendor_msft_policy_config_userrights_denyaccessfromnetwork",
    );
    assert_eq!(deny.comparison, Comparison::Different);
    assert_eq!(deny.gpo_value, "*S-1-5-113");
    assert_eq!(deny.intune_value, "*S-1-5-113, *S-1-5-32-546");

    // Different, and the Intune policies disagree among themselves: NCSC has SCT's value.
    let uac = setting(
        settings,
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforstandardusers",
    );
    assert_eq!(uac.comparison, Comparison::Different);
    assert_eq!(uac.gpo_value, "Automatically deny elevation requests");
    assert!(
        uac.intune_value
            .contains("Prompt for credentials on the secure desktop (")
            && uac
                .intune_value
                .contains("Automatically deny elevation requests (2025-NCSC-General)"),
        "{}",
        uac.intune_value
    );
    assert!(
        uac.reason.starts_with(
            "the Intune policies disagree: the same value in 2025-NCSC-General, another in "
        ),
        "{}",
        uac.reason
    );

    // Not in Intune: neither baseline sets it.
    let enumerate = setting(
        settings,
        "device_vendor_msft_policy_config_windowslogon_enumeratelocalusersondomainjoinedcomputers",
    );
    assert_eq!(enumerate.comparison, Comparison::NotInIntune);
    assert_eq!(enumerate.gpo_value, "Disabled");
    assert_eq!(enumerate.intune_value, "");
    assert!(enumerate.intune_policies.is_empty());

    // Not comparable: the row is not Ready; Intune's value is shown beside its reasons.
    let consumer = setting(
        settings,
        "device_vendor_msft_policy_config_experience_allowwindowsconsumerfeatures",
    );
    assert_eq!(consumer.comparison, Comparison::NotComparable);
    assert_eq!(consumer.readiness, Readiness::NeedsReview);
    assert!(
        consumer.reason.starts_with("Needs review: "),
        "{}",
        consumer.reason
    );
    assert_eq!(consumer.intune_value, "Block");
    assert_eq!(
        consumer.intune_policies,
        ["Win - OIB - SC - Device Security - U - Windows Spotlight and Org Messages - v3.0"]
    );

    // Every row of the analysis is there, and only Ready rows compare.
    let rows = &analysis.gpos[0].rows;
    assert_eq!(settings.len(), rows.len());
    for (row, s) in rows.iter().zip(settings) {
        assert_eq!(
            s.comparison != Comparison::NotComparable,
            row.readiness == Readiness::Ready,
            "{}",
            s.name
        );
    }

    // Intune only: OpenIntuneBaseline's ASR rules, which no GPO of SCT 1909 sets.
    assert!(compared.intune_only.iter().any(|o| {
        o.policy == "Win - OIB - ES - Attack Surface Reduction - D - ASR Rules (L2) - v3.7"
            && o.setting_definition_id.starts_with(
                "device_vendor_msft_policy_config_defender_attacksurfacereductionrules",
            )
    }));
    assert!(
        !compared
            .intune_only
            .iter()
            .any(|o| o.setting_definition_id.eq_ignore_ascii_case(
                "device_vendor_msft_policy_config_windowslogon_allowautomaticrestartsignon"
            )),
        "a definition a GPO sets is not Intune-only"
    );
}

#[test]
fn intune_management_exports_are_utf16_and_read_as_utf8_would_be() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let file = oib_file(&corpus, "SettingsCatalog", OIB_LOCAL_SECURITY);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bytes[..2], [0xFF, 0xFE], "IntuneManagement writes UTF-16LE");
    let (from_utf16, errors) = intune_policy::read_file(&file);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(from_utf16.len(), 1);
    assert_eq!(from_utf16[0].name, OIB_LOCAL_SECURITY);
    assert_eq!(from_utf16[0].settings.len(), 23);

    let text = String::from_utf16(
        &bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let dir = scratch("encodings");
    let utf8 = dir.join("utf8.json");
    std::fs::write(&utf8, text.as_bytes()).unwrap();
    let utf16be = dir.join("utf16be.json");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    std::fs::write(&utf16be, be).unwrap();
    for path in [&utf8, &utf16be] {
        let (policies, errors) = intune_policy::read_file(path);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(policies[0].settings, from_utf16[0].settings, "{path:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Convert writes one policy per GPO; compare reads them back. A GPO is the same as its own
/// conversion everywhere: a row differs only where another GPO gives its definition another
/// value (a conflict across GPOs), and nothing is Intune-only.
#[test]
fn sct_compared_with_its_own_conversion() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[sct(&corpus)]);
    let conversion = convert(&inventory, &analysis, catalog(), Merge::None);
    let dir = scratch("own");
    let out = dir.join("policies");
    let errors = write_files(&conversion, &inventory, &out, false);
    assert!(errors.is_empty(), "{errors:?}");
    let read = intune_policy::read_paths(std::slice::from_ref(&out));
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.policies.len(), 11);
    let compared = compare(&inventory, &analysis, &read.policies, catalog());
    assert!(
        compared.intune_only.is_empty(),
        "{:?}",
        compared.intune_only
    );
    let conflicts: Vec<_> = analysis
        .overlaps
        .iter()
        .filter(|o| o.kind == OverlapKind::Conflict)
        .map(|o| &o.identity)
        .collect();
    let mut by_comparison = std::collections::BTreeMap::new();
    for (a, c) in analysis.gpos.iter().zip(&compared.gpos) {
        for (row, s) in a.rows.iter().zip(&c.settings) {
            *by_comparison.entry(s.comparison).or_insert(0) += 1;
            match s.comparison {
                Comparison::Same => assert_eq!(s.intune_value, s.gpo_value),
                Comparison::Different => assert!(
                    conflicts.contains(&&row.identity),
                    "{} differs from its own conversion",
                    s.name
                ),
                Comparison::NotInIntune => panic!("{} is not in its own conversion", s.name),
                Comparison::NotComparable => assert_ne!(row.readiness, Readiness::Ready),
            }
        }
    }
    // User rights, Credential Guard and credential validation auditing: DCs and members differ.
    assert_eq!(by_comparison.get(&Comparison::Different), Some(&13));
    assert_eq!(by_comparison.get(&Comparison::Same), Some(&552));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same through the command line, for one GPO: every translatable row `same`, exit 0.
#[test]
fn cli_one_gpo_against_its_conversion_is_the_same_everywhere() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpo = sct_win10_computer(&corpus);
    let dir = scratch("cli-own");
    let out = dir.join("policies");
    let converted = gpa(&[
        "convert",
        gpo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(converted.status.code(), Some(0));
    let json = dir.join("compare.json");
    let compared = gpa(&[
        "compare",
        gpo.to_str().unwrap(),
        "--intune",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&compared.stdout);
    assert_eq!(
        compared.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&compared.stderr)
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["intuneOnly"], Value::Array(Vec::new()));
    let g = &report["gpos"][0];
    assert_eq!(g["displayName"], WIN10_COMPUTER);
    assert_eq!(g["translatableSettingsCount"], 162);
    assert_eq!(g["sameSettingsCount"], 162);
    assert_eq!(g["coveredPercent"], 100);
    for s in g["settings"].as_array().unwrap() {
        let ready = s["migrationReadiness"] == "Ready";
        let expected = if ready { "same" } else { "notComparable" };
        assert_eq!(s["comparison"], expected, "{}", s["settingName"]);
    }
    assert!(
        stdout.contains(
            "MSFT Windows 10 1909 - Computer       171           162   162          0              0               9     100%"
        ),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_intune_files_are_named_and_the_run_goes_on() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = scratch("damaged");
    let policies = dir.join("intune");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(policies.join("broken.json"), b"{\"name\": \"cut off").unwrap();
    std::fs::copy(
        oib_file(
            &corpus,
            "CompliancePolicies",
            "Win - OIB - Compliance - U - Password - v3.1",
        ),
        policies.join("compliance.json"),
    )
    .unwrap();
    // OpenIntuneBaseline's lock screen policy with one entry no reader can take put first.
    let bytes = std::fs::read(oib_file(&corpus, "SettingsCatalog", OIB_LOCK_SCREEN)).unwrap();
    let text = gpa::input::text::decode_text(&bytes);
    let mut lock_screen: Value = serde_json::from_str(&text).unwrap();
    lock_screen["settings"].as_array_mut().unwrap().insert(
        0,
        serde_json::json!({"settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": "device_vendor_msft_policy_config_x",
            "simpleSettingValue": {"value": [1]}
        }}),
    );
    std::fs::write(
        policies.join("lock screen.json"),
        serde_json::to_vec(&lock_screen).unwrap(),
    )
    .unwrap();
    let json = dir.join("compare.json");
    let gpo = sct_win10_computer(&corpus);
    let out = gpa(&[
        "compare",
        gpo.to_str().unwrap(),
        "--intune",
        policies.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert_eq!(
        lines[2],
        format!(
            "gpa: {}: settings[0].settingInstance: device_vendor_msft_policy_config_x: simpleSettingValue: a value holding an array, without @odata.type; skipped, the rest of the file is read",
            policies.join("lock screen.json").display()
        )
    );
    assert!(
        lines[0].starts_with(&format!(
            "gpa: {}: not JSON: ",
            policies.join("broken.json").display()
        )),
        "{stderr}"
    );
    assert_eq!(
        lines[1],
        format!(
            "gpa: {}: not a settings catalog policy: @odata.type is #microsoft.graph.windows10CompliancePolicy, not #microsoft.graph.deviceManagementConfigurationPolicy",
            policies.join("compliance.json").display()
        )
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Compared with 1 Intune policy."));
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let arso = report["gpos"][0]["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["intuneSettingDefinitionId"]
                == "device_vendor_msft_policy_config_windowslogon_allowautomaticrestartsignon"
        })
        .expect("the automatic restart sign-on row");
    assert_eq!(arso["comparison"], "different");
    assert_eq!(arso["gpoValue"], "Disabled");
    assert_eq!(arso["intuneValue"], "Enabled");

    // Nothing readable at all: exit 2, and no report is written.
    std::fs::remove_file(policies.join("lock screen.json")).unwrap();
    std::fs::remove_file(&json).unwrap();
    let out = gpa(&[
        "compare",
        gpo.to_str().unwrap(),
        "--intune",
        policies.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .ends_with("gpa: no Intune settings catalog policy could be read from --intune\n")
    );
    assert!(!json.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A policy whose name and values are hostile, in a folder beside a real export.
fn hostile_policy(dir: &Path) -> PathBuf {
    let policy = serde_json::json!({
        "name": "</script><img src=x onerror=\"document.body.dataset.injected=1\">",
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": [{"settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": "device_vendor_msft_policy_config_admx_credssp_allowdefaultcredentials_allowdefaultcredentials_name",
            "simpleSettingValue": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue", "value": "=HYPERLINK(\"http://x\")"}
        }}]
    });
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_vec(&policy).unwrap()).unwrap();
    path
}

/// One Chromium at a time: each is heavy, and the machine is shared.
static BROWSER: Mutex<()> = Mutex::new(());

/// The page's DOM after its script ran, opened at `fragment`, without network; None (skipped)
/// without Chromium.
fn dump_dom(page: &Path, fragment: &str) -> Option<String> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    if !chromium.is_file() {
        eprintln!("SKIP: /usr/bin/chromium not found (apt-get install chromium)");
        return None;
    }
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let profile = page.with_extension("profile");
    let dom_file = page.with_extension("dom.html");
    let url = format!("file://{}{fragment}", page.display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        .stdout(std::fs::File::create(&dom_file).expect("DOM file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(300);
    while child.try_wait().expect("wait for chromium").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish with {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_dir_all(&profile);
    let dom = std::fs::read_to_string(&dom_file).expect("UTF-8 DOM");
    assert!(dom.contains("</html>"), "no DOM from chromium for {url}");
    Some(dom)
}

fn shown(dom: &str) -> String {
    let start = dom.find("<span id=\"shown\">").expect("shown count") + "<span id=\"shown\">".len();
    dom[start..start + dom[start..].find('<').unwrap()].to_string()
}

#[test]
fn reports_csv_json_and_html() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = scratch("reports");
    let intune = dir.join("intune");
    std::fs::create_dir_all(&intune).unwrap();
    hostile_policy(&intune);
    std::fs::copy(
        oib_file(&corpus, "SettingsCatalog", OIB_USER_RIGHTS),
        intune.join("user rights.json"),
    )
    .unwrap();
    let (csv_path, json_path, html_path) =
        (dir.join("c.csv"), dir.join("c.json"), dir.join("c.html"));
    let gpo = sct_win10_computer(&corpus);
    let out = gpa(&[
        "compare",
        gpo.to_str().unwrap(),
        "--intune",
        intune.to_str().unwrap(),
        "--csv",
        csv_path.to_str().unwrap(),
        "--json",
        json_path.to_str().unwrap(),
        "--html",
        html_path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // CSV: BOM, CRLF, the columns, a formula neutralised, the Intune-only row after the GPO's.
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with("\u{feff}GPO Name,GPO GUID,Setting Name,Scope,Migration Readiness,Settings Catalog ID,Comparison,GPO Value,Intune Value,Intune Policies,Reason\r\n".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    let deny = text
        .lines()
        .find(|l| l.contains("device_vendor_msft_policy_config_userrights_denyaccessfromnetwork"))
        .expect("deny network logon row");
    assert_eq!(
        deny,
        format!(
            "{WIN10_COMPUTER},{{2F9159A7-CDD4-4891-BCBB-79232B2778BF}},Deny access to this computer from the network,Device,Ready,device_vendor_msft_policy_config_userrights_denyaccessfromnetwork,different,*S-1-5-113,\"*S-1-5-113, *S-1-5-32-546\",{OIB_USER_RIGHTS},Intune sets another value ({OIB_USER_RIGHTS})"
        )
    );
    let hostile = text
        .lines()
        .find(|l| l.contains("HYPERLINK"))
        .expect("the hostile policy's row");
    assert!(
        hostile.starts_with(",,,,,device_vendor_msft_policy_config_admx_credssp_allowdefaultcredentials_allowdefaultcredentials_name,intuneOnly,,\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{hostile}"
    );
    let first_intune_only = text
        .lines()
        .position(|l| l.contains(",intuneOnly,"))
        .unwrap();
    assert!(
        text.lines()
            .skip(first_intune_only)
            .all(|l| l.contains(",intuneOnly,")),
        "the Intune-only rows come after every GPO row"
    );

    // JSON: the shape, and the same rows as the CSV.
    let report: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(report["generator"]["name"], "gpa");
    let g = &report["gpos"][0];
    assert_eq!(
        g["groupPolicyObjectId"],
        "{2F9159A7-CDD4-4891-BCBB-79232B2778BF}"
    );
    let settings = g["settings"].as_array().unwrap();
    let rows = text.lines().count() - 1;
    assert_eq!(
        settings.len() + report["intuneOnly"].as_array().unwrap().len(),
        rows
    );
    // Every key of the documented shape, and no other (serde_json lists them sorted).
    let keys: Vec<&str> = settings[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "comparison",
            "gpoValue",
            "intunePolicies",
            "intuneSettingDefinitionId",
            "intuneValue",
            "migrationReadiness",
            "reason",
            "settingName",
            "settingScope"
        ]
    );
    assert_eq!(
        report["intuneOnly"][0]["policy"],
        "</script><img src=x onerror=\"document.body.dataset.injected=1\">"
    );
    let different = settings
        .iter()
        .filter(|s| s["comparison"] == "different")
        .count();
    assert_eq!(
        different, 3,
        "three user rights differ from OpenIntuneBaseline's"
    );

    // HTML: self-contained, the hostile name escaped, and the comparison filter works.
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;/script&gt;&lt;img src=x onerror=&quot;"));
    assert_eq!(html.matches("</script>").count(), 2, "only the page's own");
    if let Some(dom) = dump_dom(&html_path, "#comparison=different") {
        assert!(!dom.contains("data-injected"), "an injected handler ran");
        assert_eq!(
            shown(&dom),
            format!("{different} of {} settings shown", settings.len())
        );
        let dom = dump_dom(&html_path, "").unwrap();
        assert_eq!(
            shown(&dom),
            format!("{} of {} settings shown", settings.len(), settings.len())
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn intune_policy_reader_skips_conversion_summaries_in_folders() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = scratch("summary");
    let gpo = sct_win10_computer(&corpus);
    let out = gpa(&[
        "convert",
        gpo.to_str().unwrap(),
        "--out",
        dir.join("p").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let read = intune_policy::read_paths(&[dir.join("p")]);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let names: Vec<&str> = read
        .policies
        .iter()
        .map(|p: &IntunePolicy| p.name.as_str())
        .collect();
    assert_eq!(names, [WIN10_COMPUTER]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Same input, same bytes, whatever the thread count; a report on standard output (`-`) keeps
/// it clean (the summary goes to stderr).
#[test]
fn output_does_not_depend_on_the_thread_count() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let run = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
            .env("RAYON_NUM_THREADS", threads)
            .arg("compare")
            .arg(sct(&corpus))
            .arg("--intune")
            .arg(oib(&corpus))
            .arg("--intune")
            .arg(ncsc(&corpus))
            .args(["--json", "-"])
            .output()
            .expect("run gpa");
        assert_eq!(
            out.status.code(),
            Some(1),
            "the foreign exports are skipped"
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("Total (11 GPOs)"));
        out.stdout
    };
    let one = run("1");
    let report: Value = serde_json::from_slice(&one).expect("only JSON on stdout");
    assert_eq!(report["gpos"].as_array().unwrap().len(), 11);
    assert_eq!(one, run("4"));
}
