//! `gpa analyze` on real baselines: named settings get their definition and readiness, reports
//! without raw files analyse, and the output does not depend on the thread count.

mod common;

use gpa::catalog::Catalog;
use gpa::input::discover::read_paths;
use gpa::matching::analyze::{Analysis, MatchedSetting, OverlapKind, Readiness, analyze};
use gpa::model::{Inventory, Scope};
use gpa::report;

fn analysed(paths: &[std::path::PathBuf]) -> (Inventory, Analysis) {
    let outcome = read_paths(paths);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let analysis = analyze(&inventory, catalog);
    (inventory, analysis)
}

fn rows_of<'a>(inventory: &Inventory, analysis: &'a Analysis, gpo: &str) -> &'a [MatchedSetting] {
    analysis
        .gpos
        .iter()
        .find(|a| inventory.gpos[a.gpo].display_name == gpo)
        .map(|a| a.rows.as_slice())
        .unwrap_or_else(|| panic!("no GPO named {gpo}"))
}

/// One expectation: in this GPO, the row of this setting (name, scope) has this readiness and
/// definition, and its value shows this text.
struct Expect {
    gpo: &'static str,
    scope: Scope,
    name: &'static str,
    readiness: Readiness,
    definition: Option<&'static str>,
    value: &'static str,
}

const COMPUTER: &str = "MSFT Windows 10 1909 - Computer";
const USER: &str = "MSFT Windows 10 1909 - User";
const IE_USER: &str = "MSFT Internet Explorer 11 - User";
const BITLOCKER: &str = "MSFT Windows 10 1909 - BitLocker";
const DOMAIN: &str = "MSFT Windows 10 1909 and Server 1909 - Domain Security";

fn e(
    gpo: &'static str,
    scope: Scope,
    name: &'static str,
    readiness: Readiness,
    definition: Option<&'static str>,
    value: &'static str,
) -> Expect {
    Expect {
        gpo,
        scope,
        name,
        readiness,
        definition,
        value,
    }
}

#[test]
fn sct_windows10_1909_settings_get_their_definitions_and_readiness() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) =
        analysed(&[corpus.join("gpo-backups/msft-sct-windows10-1909/GPOs")]);
    use Readiness::*;
    use Scope::*;
    let expectations = [
        // ADMX-backed, with an enum element.
        e(
            COMPUTER,
            Device,
            "Turn off Autoplay",
            Ready,
            Some("device_vendor_msft_policy_config_autoplay_turnoffautoplay"),
            "Enabled; Autorun_Box: 255 (All drives)",
        ),
        e(
            COMPUTER,
            Device,
            "Set the default behavior for AutoRun",
            Ready,
            Some("device_vendor_msft_policy_config_autoplay_setdefaultautorunbehavior"),
            "Enabled; NoAutorun_Dropdown: 1",
        ),
        e(
            COMPUTER,
            Device,
            "Encryption Oracle Remediation",
            Ready,
            Some("device_vendor_msft_policy_config_admx_credssp_allowencryptionoracle"),
            "AllowEncryptionOracleDrop: 0",
        ),
        e(
            COMPUTER,
            Device,
            "Configure SMB v1 client driver",
            Ready,
            Some("device_vendor_msft_policy_config_mssecurityguide_configuresmbv1clientdriver"),
            "Pol_SecGuide_SMB1ClientDriver: 4",
        ),
        e(
            COMPUTER,
            Device,
            "Set client connection encryption level",
            Ready,
            Some(
                "device_vendor_msft_policy_config_remotedesktopservices_clientconnectionencryptionlevel",
            ),
            "TS_ENCRYPTION_LEVEL: 3 (High Level)",
        ),
        // ADMX-backed, with a decimal element.
        e(
            COMPUTER,
            Device,
            "Specify the maximum log file size (KB)",
            Ready,
            Some(
                "device_vendor_msft_policy_config_eventlogservice_specifymaximumfilesizesecuritylog",
            ),
            "Channel_LogMaxSize: 196608",
        ),
        // Disabled, written as **del. markers.
        e(
            COMPUTER,
            Device,
            "Configure Solicited Remote Assistance",
            Ready,
            Some("device_vendor_msft_policy_config_remoteassistance_solicitedremoteassistance"),
            "Disabled",
        ),
        // An element deleted while the policy is Enabled: a boolean false.
        e(
            COMPUTER,
            Device,
            "Turn on PowerShell Script Block Logging",
            Ready,
            Some(
                "device_vendor_msft_policy_config_windowspowershell_turnonpowershellscriptblocklogging",
            ),
            "Enabled; EnableScriptBlockInvocationLogging: false",
        ),
        e(
            COMPUTER,
            Device,
            "Enumerate administrator accounts on elevation",
            Ready,
            Some("device_vendor_msft_policy_config_credentialsui_enumerateadministrators"),
            "Disabled",
        ),
        // GP-mapped native Policy CSP nodes.
        e(
            COMPUTER,
            Device,
            "Let Windows apps activate with voice while the system is locked",
            Ready,
            Some("device_vendor_msft_policy_config_privacy_letappsactivatewithvoiceabovelock"),
            "Enabled; LetAppsActivateWithVoiceAboveLock_Enum: 2",
        ),
        e(
            COMPUTER,
            Device,
            "Turn off Microsoft consumer experiences",
            NeedsReview,
            Some("device_vendor_msft_policy_config_experience_allowwindowsconsumerfeatures"),
            "Enabled",
        ),
        e(
            COMPUTER,
            Device,
            "Enables or disables Windows Game Recording and Broadcasting",
            Ready,
            Some("device_vendor_msft_policy_config_applicationmanagement_allowgamedvr"),
            "Disabled",
        ),
        e(
            COMPUTER,
            Device,
            "Always install with elevated privileges",
            Ready,
            Some(
                "device_vendor_msft_policy_config_applicationmanagement_msialwaysinstallwithelevatedprivileges",
            ),
            "Disabled",
        ),
        e(
            COMPUTER,
            Device,
            "Allow Windows to automatically connect to suggested open hotspots, to networks shared by contacts, and to hotspots offering paid services",
            Ready,
            Some("device_vendor_msft_policy_config_wifi_allowautoconnecttowifisensehotspots"),
            "Disabled",
        ),
        // Security settings through the curated tables.
        e(
            COMPUTER,
            Device,
            "Audit Credential Validation",
            Ready,
            Some("device_vendor_msft_policy_config_audit_accountlogon_auditcredentialvalidation"),
            "Success and Failure",
        ),
        e(
            COMPUTER,
            Device,
            "Back up files and directories",
            Ready,
            Some("device_vendor_msft_policy_config_userrights_backupfilesanddirectories"),
            "S-1-5-32-544",
        ),
        e(
            COMPUTER,
            Device,
            "Network security: LDAP client signing requirements",
            Ready,
            Some(
                "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_ldapclientsigningrequirements",
            ),
            "Negotiate signing",
        ),
        e(
            COMPUTER,
            Device,
            "Enable Private Network Firewall",
            Ready,
            Some("vendor_msft_firewall_mdmstore_privateprofile_enablefirewall"),
            "REG_DWORD 1",
        ),
        e(
            DOMAIN,
            Device,
            "Minimum password length",
            Ready,
            Some("device_vendor_msft_policy_config_devicelock_minimumpasswordlength"),
            "14",
        ),
        e(
            BITLOCKER,
            Device,
            "Allow enhanced PINs for startup",
            Ready,
            Some("device_vendor_msft_bitlocker_systemdrivesenhancedpin"),
            "Enabled",
        ),
        e(
            BITLOCKER,
            Device,
            "Allow standby states (S1-S3) when sleeping (on battery)",
            Ready,
            Some("device_vendor_msft_policy_config_power_allowstandbystateswhensleepingonbattery"),
            "Disabled",
        ),
        // User scope.
        e(
            USER,
            User,
            "Do not suggest third-party content in Windows spotlight",
            NeedsReview,
            Some(
                "user_vendor_msft_policy_config_experience_allowthirdpartysuggestionsinwindowsspotlight",
            ),
            "Enabled",
        ),
        e(
            USER,
            User,
            "Turn off toast notifications on the lock screen",
            Ready,
            Some("user_vendor_msft_policy_config_admx_wpn_nolockscreentoastnotification"),
            "Enabled",
        ),
        // Ready, not Deprecated: Internet Explorer (through Edge's IE mode), the legacy Edge.
        e(
            IE_USER,
            User,
            "Turn on the auto-complete feature for user names and passwords on forms",
            Ready,
            Some("user_vendor_msft_policy_config_internetexplorer_allowautocomplete"),
            "Disabled",
        ),
        e(
            COMPUTER,
            Device,
            "Prevent downloading of enclosures",
            Ready,
            Some("device_vendor_msft_policy_config_internetexplorer_disableenclosuredownloading"),
            "Enabled",
        ),
        e(
            COMPUTER,
            Device,
            "Configure Password Manager",
            // The legacy Edge node has values of its own; no source states how they correspond.
            NeedsReview,
            Some("device_vendor_msft_policy_config_browser_allowpasswordmanager"),
            "Disabled",
        ),
        // A CSP node without a settings catalog definition.
        e(
            DOMAIN,
            Device,
            "Store passwords using reversible encryption",
            CustomOmaUri,
            None,
            "false",
        ),
        // No DDF mapping: the curated Windows Hello for Business table (passportforwork.csv).
        e(
            COMPUTER,
            Device,
            "Configure enhanced anti-spoofing",
            Ready,
            Some(
                "device_vendor_msft_passportforwork_biometrics_facialfeaturesuseenhancedantispoofing",
            ),
            "Enabled",
        ),
        e(
            "MSFT Windows Server 1909 - Domain Controller",
            Device,
            "AppIDSvc",
            NotSupported,
            None,
            "Automatic",
        ),
        // A service startup mode, through the curated services table (GptTmpl short name).
        e(
            COMPUTER,
            Device,
            "Xbox Accessory Management Service",
            Ready,
            Some(
                "device_vendor_msft_policy_config_systemservices_configurexboxaccessorymanagementservicestartupmode",
            ),
            "Disabled",
        ),
        e(
            BITLOCKER,
            Device,
            "Disable new DMA devices when this computer is locked",
            NotSupported,
            None,
            "Enabled",
        ),
    ];
    assert!(expectations.len() >= 25);
    let mut failures = Vec::new();
    for x in &expectations {
        let rows = rows_of(&inventory, &analysis, x.gpo);
        let found: Vec<&MatchedSetting> = rows
            .iter()
            .filter(|r| r.name == x.name && r.scope == x.scope)
            .filter(|r| x.definition.is_none() || r.definition_id.as_deref() == x.definition)
            .collect();
        let Some(row) = found.first() else {
            failures.push(format!(
                "{}: no row {:?} with {:?}",
                x.gpo, x.name, x.definition
            ));
            continue;
        };
        if row.readiness != x.readiness
            || row.definition_id.as_deref() != x.definition
            || !row.value.contains(x.value)
        {
            failures.push(format!(
                "{}: {:?}: got {:?} {:?} {:?}",
                x.gpo, x.name, row.readiness, row.definition_id, row.value
            ));
        }
        if matches!(x.readiness, Readiness::Ready | Readiness::Deprecated)
            && (row.csp_uri.is_none() || row.reasons.is_empty() || row.match_route.0.is_empty())
        {
            failures.push(format!(
                "{:?}: a match without its evidence: {row:?}",
                x.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Disabled through **del.: the evidence is registry.pol, the route language independent.
    let assistance = rows_of(&inventory, &analysis, COMPUTER)
        .iter()
        .find(|r| r.name == "Configure Solicited Remote Assistance")
        .expect("row");
    assert!(
        assistance
            .match_route
            .to_string()
            .starts_with("registry.pol > ADMX RemoteAssistance:RA_Solicit")
    );
    assert!(assistance.source.file.ends_with("Machine/registry.pol"));
    assert_eq!(
        assistance.source.key,
        "Software\\Policies\\Microsoft\\Windows NT\\Terminal Services"
    );

    // Figures per GPO (the README's table).
    let computer = analysis
        .gpos
        .iter()
        .find(|a| inventory.gpos[a.gpo].display_name == COMPUTER)
        .expect("computer GPO");
    let figures = report::figures(&inventory.gpos[computer.gpo], computer);
    // "Configure Windows Defender SmartScreen" gives two rows: the DDF maps it to
    // EnableSmartScreenInShell and, by its drop-down, PreventOverrideForFilesInShell. Every
    // setting has MDM support since enhanced anti-spoofing joins (passportforwork.csv).
    assert_eq!((figures.total, figures.supported), (171, 171));
    assert_eq!(figures.supported_percent, 100);
    assert_eq!(figures.migration_readiness, "partial");

    // The IE and Computer baselines set some of the same IE values: overlaps are found.
    assert!(
        analysis
            .overlaps
            .iter()
            .any(|o| o.kind == OverlapKind::Conflict)
    );
    assert!(
        analysis
            .overlaps
            .iter()
            .any(|o| o.kind == OverlapKind::Duplicate)
    );
}

#[test]
fn md102_lab_report_and_rsop_analyse_from_display_names() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[corpus.join("gpo-reports")]);
    assert!(analysis.gpos.len() >= 3);
    let rows: Vec<(&str, &MatchedSetting)> = analysis
        .gpos
        .iter()
        .flat_map(|a| {
            let name = inventory.gpos[a.gpo].display_name.as_str();
            a.rows.iter().map(move |r| (name, r))
        })
        .collect();
    // Report-only GPOs go through English display names and say so.
    let by_names: Vec<&MatchedSetting> = rows
        .iter()
        .map(|(_, r)| *r)
        .filter(|r| {
            r.match_route.first() == Some(&gpa::matching::analyze::RouteStep::ReportDisplayName)
        })
        .collect();
    assert!(!by_names.is_empty());
    assert!(
        by_names
            .iter()
            .all(|r| r.confidence == gpa::matching::analyze::Confidence::Low)
    );
    // Every row is readable: a name and a readiness, and a reason for anything not Ready.
    for (gpo, r) in &rows {
        assert!(!r.name.is_empty(), "{gpo}: a row without a name: {r:?}");
        assert!(
            r.readiness == Readiness::Ready || !r.reasons.is_empty(),
            "{gpo}: {:?} without a reason",
            r.name
        );
    }
}

fn bytes_with_threads(threads: usize, paths: &[std::path::PathBuf]) -> [Vec<u8>; 3] {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        let (inventory, analysis) = analysed(paths);
        let run = gpa::run_info::RunInfo::at(
            1_700_000_000,
            gpa::run_info::TimeSource::SourceDateEpoch,
            paths,
            Catalog::embedded().expect("embedded catalog"),
            None,
        );
        [
            report::csv::write(&inventory, &analysis).expect("csv"),
            report::json::write(&inventory, &analysis, &run).expect("json"),
            report::xlsx::write(&inventory, &analysis, &run).expect("xlsx"),
        ]
    })
}

#[test]
fn one_thread_and_all_threads_give_the_same_bytes() {
    let paths = match common::corpus() {
        Some(corpus) => vec![corpus.join("gpo-backups"), corpus.join("gpo-reports")],
        None => vec![common::fixtures().join("backups")],
    };
    let one = bytes_with_threads(1, &paths);
    let many = bytes_with_threads(8, &paths);
    assert!(one[0].len() > 1000);
    assert!(one[0] == many[0], "CSV differs between 1 and 8 threads");
    assert!(one[1] == many[1], "JSON differs between 1 and 8 threads");
    assert!(one[2] == many[2], "XLSX differs between 1 and 8 threads");
}

#[test]
fn csv_has_intunes_columns_first_and_neutralises_formulas() {
    let (inventory, mut analysis) = analysed(&[common::fixtures().join("backups")]);
    let first = analysis
        .gpos
        .iter_mut()
        .find_map(|a| a.rows.first_mut())
        .expect("a row");
    first.value = "=HYPERLINK(\"http://x\")".into();
    let bytes = report::csv::write(&inventory, &analysis).expect("csv");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.starts_with("\u{feff}GPO Name,GPO GUID,Setting Name,Category,Scope,Value,MDM Support,Migration Readiness,CSP Name,CSP Mapping,Min OS Version,Settings Catalog ID,Match Route,Confidence,Source File,Source Key,Source Value Name,"));
    assert!(text.contains("'=HYPERLINK"));
    assert!(!text.contains(",=HYPERLINK"));
}

#[test]
fn a_report_that_cannot_be_written_leaves_the_old_one() {
    let dir = std::env::temp_dir().join(format!("gpa-atomic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("report.csv");
    report::write_file_atomically(&path, b"good").expect("write");
    let blocked = dir.join("missing-folder").join("report.csv");
    assert!(report::write_file_atomically(&blocked, b"new").is_err());
    assert_eq!(std::fs::read(&path).expect("read"), b"good");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
