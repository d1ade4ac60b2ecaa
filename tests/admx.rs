mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use gpa::catalog::admx::parse::{parse_adml, parse_admx};
use gpa::catalog::admx::{
    AdmxCatalog, AdmxLoad, AdmxPolicy, AdmxSource, AdmxValue, ClaimRole, ElementKind, PolicyClass,
    PresentationControl, RegistryClaim, discover_template_folders,
};
use gpa::input::text::decode_text;
use gpa::model::Scope;
use proptest::prelude::*;

fn fixture_folders() -> Vec<PathBuf> {
    let root = common::fixtures().join("admx");
    vec![root.join("PolicyDefinitions"), root.join("Vendor")]
}

fn policy<'a>(load: &'a AdmxLoad, file: &str, name: &str) -> &'a AdmxPolicy {
    load.catalog
        .policy_by_name(file, name)
        .unwrap_or_else(|| panic!("{file}/{name} not loaded"))
}

fn enum_values(policy: &AdmxPolicy, element: &str) -> Vec<(String, Option<AdmxValue>)> {
    let Some(ElementKind::Enum { items, .. }) = policy.element(element).map(|e| &e.kind) else {
        panic!("{} has no enum {element}", policy.name)
    };
    items
        .iter()
        .map(|i| (i.display_name.clone(), i.value.clone()))
        .collect()
}

#[test]
fn fixture_folders_load_with_culture_folder_utf16_and_a_broken_file() {
    let load = AdmxCatalog::load_folders(&fixture_folders());
    assert_eq!(load.errors.len(), 1, "{:?}", load.errors);
    assert!(
        load.errors[0]
            .path
            .ends_with("PolicyDefinitions/Broken.admx")
    );
    let bases: Vec<&str> = load
        .catalog
        .files()
        .iter()
        .map(|f| f.base.as_str())
        .collect();
    assert_eq!(bases, ["Sample", "Windows", "Vendor"]);
    let sample = &load.catalog.files()[0];
    assert!(
        sample
            .adml
            .as_deref()
            .is_some_and(|p| p.ends_with("en-us/Sample.adml")),
        "{:?}",
        sample.adml
    );

    let minimize = policy(&load, "Sample", "Minimize");
    assert_eq!(minimize.display_name, "Minimize the number of things");
    assert_eq!(minimize.category_display_path(), "Network/Sample Things");

    // UTF-16LE with a BOM, no XML namespace, ADML beside the ADMX, category in another folder.
    let macros = policy(&load, "Vendor", "L_Macros");
    assert_eq!(macros.class, PolicyClass::User);
    assert_eq!(
        macros.key,
        r"software\policies\gpa\vendor\16.0\app\security"
    );
    assert_eq!(macros.display_name, "Macro notification settings");
    assert_eq!(macros.category_names, ["WindowsComponents", "L_Vendor"]);
    assert_eq!(
        macros.category_display_path(),
        "Windows Components/Vendor App 2016"
    );
    assert_eq!(macros.supported_on.as_deref(), Some("At least Windows 8"));
    assert_eq!(
        macros.extra_attributes,
        [("Area".to_string(), "Extra".to_string())]
    );
    assert_eq!(
        enum_values(macros, "L_empty1"),
        [
            (
                "Disable all with notification".to_string(),
                Some(AdmxValue::Decimal(2))
            ),
            (
                "Disable all without notification".to_string(),
                Some(AdmxValue::Decimal(4))
            ),
        ]
    );
    assert_eq!(macros.presentation[0].label, "");
    assert_eq!(
        load.catalog.registry_claims(
            Scope::User,
            r"Software\Policies\Gpa\Vendor\16.0\App\Security",
            "MacroWarnings"
        ),
        [RegistryClaim {
            policy: load
                .catalog
                .policy_index("Vendor", "L_Macros")
                .unwrap_or(usize::MAX),
            role: ClaimRole::Element { element: 0 }
        }]
    );
}

#[test]
fn discover_finds_the_fixture_template_folders() {
    let root = common::fixtures().join("admx");
    assert_eq!(discover_template_folders(&root), fixture_folders());
}

fn mxk(corpus: &Path) -> PathBuf {
    corpus.join("admx/mxk-windows-secure-group-policy/PolicyDefinitions")
}

#[test]
fn mxk_25h2_set_loads_completely() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let start = Instant::now();
    let load = AdmxCatalog::load_folders(&[mxk(&corpus)]);
    let elapsed = start.elapsed();
    println!(
        "mxk 25H2 PolicyDefinitions: {} admx, {} policies, {} categories, {} warnings, loaded in {elapsed:?}",
        load.catalog.files().len(),
        load.catalog.policies().len(),
        load.catalog.definitions().categories.len(),
        load.warnings.len()
    );
    let json = serde_json::to_vec(&load.catalog).unwrap_or_default();
    println!("serialized as JSON: {} bytes", json.len());
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    assert_eq!(load.catalog.files().len(), 228);
    assert_eq!(load.catalog.policies().len(), 4730);
    assert!(load.catalog.files().iter().all(|f| f.adml.is_some()));
    let unresolved_names: Vec<&str> = load
        .catalog
        .policies()
        .iter()
        .filter(|p| p.display_name.starts_with("$("))
        .map(|p| p.name.as_str())
        .collect();
    assert!(unresolved_names.is_empty(), "{unresolved_names:?}");
    // Real templates name parent categories no file defines: TerminalServer.admx puts a policy
    // under `AutoSubscription`, WindowsBackup.admx puts its server category under `backup:Backup`
    // (namespace Microsoft.Policies.Backup, which no 25H2 file targets). inetres.admx's missing
    // `InternetCPL_General` parents only empty categories.
    let mut broken_chains: Vec<&str> = load
        .catalog
        .policies()
        .iter()
        .filter(|p| p.category_unresolved.is_some())
        .map(|p| p.file_base.as_str())
        .collect();
    broken_chains.dedup();
    assert_eq!(broken_chains, ["TerminalServer", "WindowsBackup"]);
    let classes = |class| {
        load.catalog
            .policies()
            .iter()
            .filter(|p| p.class == class)
            .count()
    };
    println!(
        "classes: Machine {}, User {}, Both {}",
        classes(PolicyClass::Machine),
        classes(PolicyClass::User),
        classes(PolicyClass::Both)
    );
}

#[test]
fn mxk_policies_read_right() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let load = AdmxCatalog::load_folders(&[mxk(&corpus)]);
    let catalog = &load.catalog;

    // WCM_MinimizeConnections: the formats.md example.
    let wcm = policy(&load, "WCM.admx", "WCM_MinimizeConnections");
    assert_eq!(wcm.file_base, "WCM");
    assert_eq!(wcm.namespace, "Microsoft.Policies.WindowsConnectionManager");
    assert_eq!(wcm.class, PolicyClass::Machine);
    assert_eq!(
        wcm.key,
        r"Software\Policies\Microsoft\Windows\WcmSvc\GroupPolicy"
    );
    assert_eq!(wcm.value_name, None);
    assert_eq!(
        wcm.display_name,
        "Minimize the number of simultaneous connections to the Internet or a Windows Domain"
    );
    assert_eq!(
        wcm.supported_on.as_deref(),
        Some("At least Windows Server 2012, Windows 8 or Windows RT")
    );
    let options = wcm
        .element("WCM_MinimizeConnections_Options")
        .expect("enum");
    assert_eq!(options.value_name.as_deref(), Some("fMinimizeConnections"));
    assert_eq!(options.key, wcm.key);
    assert_eq!(
        enum_values(wcm, "WCM_MinimizeConnections_Options"),
        [
            ("0 = Allow simultaneous connections", 0),
            ("1 = Minimize simultaneous connections", 1),
            ("2 = Stay connected to cellular", 2),
            ("3 = Prevent Wi-Fi when on Ethernet", 3),
        ]
        .map(|(n, v)| (n.to_string(), Some(AdmxValue::Decimal(v))))
    );
    assert_eq!(wcm.category_names, ["Network", "WCM_Category"]);
    assert_eq!(
        wcm.category_display_path(),
        "Network/Windows Connection Manager"
    );
    assert_eq!(
        catalog.area(wcm).as_deref(),
        Some("WCM~AT~Network~WCM_Category")
    );
    let dropdown = &wcm.presentation[0];
    assert_eq!(dropdown.control, PresentationControl::DropdownList);
    assert_eq!(dropdown.label, "Minimize Policy Options");
    assert_eq!(dropdown.default_item, Some(2));

    // The parent category is in another file: windows:Network lives in Windows.admx.
    let defs = catalog.definitions();
    let network = defs
        .categories
        .iter()
        .find(|c| c.name == "WCM_Category")
        .and_then(|c| c.parent)
        .and_then(|i| defs.categories.get(i))
        .expect("parent of WCM_Category");
    assert_eq!(network.name, "Network");
    assert_eq!(defs.files[network.file].base, "Windows");

    // Registry lookup, case-insensitive, Machine only.
    let wcm_index = catalog
        .policy_index("WCM", "WCM_MinimizeConnections")
        .expect("index");
    assert_eq!(
        catalog.registry_claims(
            Scope::Device,
            r"software\policies\microsoft\windows\wcmsvc\grouppolicy",
            "fminimizeconnections"
        ),
        [RegistryClaim {
            policy: wcm_index,
            role: ClaimRole::Element { element: 0 }
        }]
    );
    assert!(
        catalog
            .registry_claims(
                Scope::User,
                r"Software\Policies\Microsoft\Windows\WcmSvc\GroupPolicy",
                "fMinimizeConnections"
            )
            .is_empty()
    );

    // Display lookup, as a report names the policy.
    let by_display = catalog.policies_by_display(
        Scope::Device,
        "Network/Windows Connection Manager",
        "Minimize the number of simultaneous connections to the Internet or a Windows Domain",
    );
    assert_eq!(by_display.len(), 1);
    assert_eq!(by_display[0].name, "WCM_MinimizeConnections");

    // Report part → element and value.
    let element = wcm
        .element_by_label("Minimize Policy Options")
        .expect("element by label");
    let item = element
        .enum_item_by_display_name("3 = Prevent Wi-Fi when on Ethernet")
        .expect("item");
    assert_eq!(item.value, Some(AdmxValue::Decimal(3)));

    // A User-class policy.
    let no_cpl = policy(&load, "ControlPanel", "NoControlPanel");
    assert_eq!(no_cpl.class, PolicyClass::User);
    assert_eq!(
        no_cpl.key,
        r"Software\Microsoft\Windows\CurrentVersion\Policies\Explorer"
    );
    assert_eq!(no_cpl.value_name.as_deref(), Some("NoControlPanel"));
    assert_eq!(no_cpl.category_display_path(), "Control Panel");
    let no_cpl_index = catalog.policy_index("ControlPanel", "NoControlPanel");
    assert!(
        catalog
            .registry_claims(
                Scope::User,
                r"Software\Microsoft\Windows\CurrentVersion\Policies\Explorer",
                "NoControlPanel"
            )
            .iter()
            .any(|c| Some(c.policy) == no_cpl_index && c.role == ClaimRole::PolicyValue)
    );

    // A Both-class policy answers for both scopes.
    let autorun = policy(&load, "AutoPlay", "NoAutorun");
    assert_eq!(autorun.class, PolicyClass::Both);
    assert_eq!(
        autorun.key,
        r"Software\Microsoft\Windows\CurrentVersion\Policies\Explorer"
    );
    assert_eq!(
        autorun
            .element("NoAutorun_Dropdown")
            .and_then(|e| e.value_name.as_deref()),
        Some("NoAutorun")
    );
    let autorun_index = catalog.policy_index("AutoPlay", "NoAutorun");
    for scope in [Scope::Device, Scope::User] {
        assert!(
            catalog
                .registry_claims(
                    scope,
                    r"Software\Microsoft\Windows\CurrentVersion\Policies\Explorer",
                    "NoAutorun"
                )
                .iter()
                .any(|c| Some(c.policy) == autorun_index),
            "{scope:?}"
        );
        assert_eq!(
            catalog
                .policies_by_display(
                    scope,
                    &autorun.category_display_path(),
                    &autorun.display_name
                )
                .len(),
            1
        );
    }

    // Microsoft Edge (UTF-16LE file): a Both-class text element.
    let home = policy(&load, "msedge", "HomepageLocation");
    assert_eq!(home.class, PolicyClass::Both);
    assert_eq!(home.key, r"Software\Policies\Microsoft\Edge");
    assert_eq!(home.display_name, "Configure the home page URL");
    let text = home.element("HomepageLocation").expect("text element");
    assert_eq!(text.value_name.as_deref(), Some("HomepageLocation"));
    assert_eq!(
        text.kind,
        ElementKind::Text {
            required: false,
            max_length: 1_000_000,
            expandable: false,
            soft: false
        }
    );
    assert_eq!(
        home.part_for_element("HomepageLocation")
            .map(|p| p.label.as_str()),
        Some("Home page URL")
    );
    assert_eq!(
        home.category_display_path(),
        "Microsoft Edge/Startup, home page and new tab page"
    );
    assert_eq!(
        home.area().as_deref(),
        Some("msedge~AT~microsoft_edge~Startup")
    );

    // A list with valuePrefix="" (values named 1, 2, …): it claims every value under its key.
    let creds = policy(&load, "CredSsp", "AllowDefaultCredentials");
    let list = creds.element("AllowDefaultCredentials_Name").expect("list");
    assert_eq!(
        list.key,
        r"Software\Policies\Microsoft\Windows\CredentialsDelegation\AllowDefaultCredentials"
    );
    assert_eq!(
        list.kind,
        ElementKind::List {
            value_prefix: Some(String::new()),
            additive: true,
            expandable: false,
            explicit_value: false
        }
    );
    assert_eq!(
        catalog.registry_claims(
            Scope::Device,
            r"Software\Policies\Microsoft\Windows\CredentialsDelegation\AllowDefaultCredentials",
            "1"
        ),
        [RegistryClaim {
            policy: catalog
                .policy_index("CredSsp", "AllowDefaultCredentials")
                .unwrap_or(usize::MAX),
            role: ClaimRole::ListEntry { element: 0 }
        }]
    );
    // An explicitValue list (the user gives value names and data).
    let activex = policy(
        &load,
        "ActiveXInstallService",
        "ApprovedActiveXInstallSites",
    );
    assert_eq!(
        activex
            .element("ApprovedActiveXInstallSiteslist")
            .map(|e| &e.kind),
        Some(&ElementKind::List {
            value_prefix: None,
            additive: true,
            expandable: false,
            explicit_value: true
        })
    );

    // enabledList / disabledList.
    let wsus = policy(&load, "WindowsUpdate", "CorpWuURL");
    let enabled = wsus.enabled_list.as_ref().expect("enabledList");
    let disabled = wsus.disabled_list.as_ref().expect("disabledList");
    assert_eq!(
        enabled.items[0].key,
        r"Software\Policies\Microsoft\Windows\WindowsUpdate\AU"
    );
    assert_eq!(enabled.items[0].value_name, "UseWUServer");
    assert_eq!(enabled.items[0].value, Some(AdmxValue::Decimal(1)));
    assert_eq!(disabled.items[0].value, Some(AdmxValue::Decimal(0)));
    let wsus_index = catalog.policy_index("WindowsUpdate", "CorpWuURL");
    let claims = catalog.registry_claims(
        Scope::Device,
        r"Software\Policies\Microsoft\Windows\WindowsUpdate\AU",
        "UseWUServer",
    );
    for role in [
        ClaimRole::EnabledList { item: 0 },
        ClaimRole::DisabledList { item: 0 },
    ] {
        assert!(
            claims
                .iter()
                .any(|c| Some(c.policy) == wsus_index && c.role == role),
            "{claims:?}"
        );
    }
    assert_eq!(
        wsus.category_display_path(),
        "Windows Components/Windows Update/Manage updates offered from Windows Server Update Service"
    );

    // BitLocker: the area formats.md and the DDF give for VolumeEncryption.admx.
    let fve = policy(&load, "VolumeEncryption", "IdentificationField_Name");
    assert_eq!(fve.key, r"Software\Policies\Microsoft\FVE");
    assert_eq!(fve.value_name.as_deref(), Some("IdentificationField"));
    assert_eq!(fve.enabled_value, Some(AdmxValue::Decimal(1)));
    assert_eq!(fve.disabled_value, Some(AdmxValue::Decimal(0)));
    assert_eq!(
        fve.element("IdentificationField")
            .and_then(|e| e.value_name.as_deref()),
        Some("IdentificationFieldString")
    );
    assert_eq!(
        fve.area().as_deref(),
        Some("VolumeEncryption~AT~WindowsComponents~FVECategory")
    );
    assert_eq!(
        fve.category_display_path(),
        "Windows Components/BitLocker Drive Encryption"
    );
}

#[test]
fn nsacyber_office_2016_and_other_vendor_templates() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let root = corpus.join("admx/nsacyber-windows-secure-host-baseline");
    let folders = discover_template_folders(&root);
    assert_eq!(folders.len(), 4, "{folders:?}");
    // Office's ADMX uses Windows.admx categories and support definitions.
    let mut with_windows = vec![mxk(&corpus)];
    with_windows.extend(folders.iter().cloned());
    let load = AdmxCatalog::load_folders(&with_windows);
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    assert_eq!(load.catalog.files().len(), 228 + 20);
    let vendor_files = &load.catalog.files()[228..];
    assert!(
        vendor_files.iter().all(|f| f.adml.is_some()),
        "{vendor_files:?}"
    );

    let vba = policy(&load, "word16", "L_VBAWarningsPolicy");
    assert_eq!(vba.class, PolicyClass::User);
    assert_eq!(
        vba.key,
        r"software\policies\microsoft\office\16.0\word\security"
    );
    assert_eq!(vba.display_name, "VBA Macro Notification Settings");
    assert_eq!(
        vba.category_display_path(),
        "Microsoft Word 2016/Word Options/Security/Trust Center"
    );
    assert_eq!(
        vba.area().as_deref(),
        Some("word16~AT~L_MicrosoftOfficeWord~L_WordOptions~L_Security~L_TrustCenter")
    );
    assert_eq!(
        vba.supported_on.as_deref(),
        Some("At least Windows Server 2008 R2 or Windows 7")
    );
    assert_eq!(
        enum_values(vba, "L_empty19"),
        [
            ("Disable all with notification", 2),
            ("Disable all except digitally signed macros", 3),
            ("Disable all without notification", 4),
            ("Enable all macros (not recommended)", 1),
        ]
        .map(|(n, v)| (n.to_string(), Some(AdmxValue::Decimal(v))))
    );
    assert_eq!(
        load.catalog.registry_claims(
            Scope::User,
            r"Software\Policies\Microsoft\Office\16.0\Word\Security",
            "VBAWarnings"
        ),
        [RegistryClaim {
            policy: load
                .catalog
                .policy_index("word16", "L_VBAWarningsPolicy")
                .unwrap_or(usize::MAX),
            role: ClaimRole::Element { element: 0 }
        }]
    );
}

#[test]
fn baseline_templates_with_adml_beside_and_duplicate_namespaces() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let sct = corpus.join("gpo-backups/msft-sct-windows10-1909/Templates");
    let load = AdmxCatalog::load_folders(std::slice::from_ref(&sct));
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    let bases: Vec<&str> = load
        .catalog
        .files()
        .iter()
        .map(|f| f.base.as_str())
        .collect();
    assert_eq!(bases, ["AdmPwd", "MSS-legacy", "SecGuide"]);
    for file in load.catalog.files() {
        let adml = file.adml.as_deref().unwrap_or("");
        assert_eq!(
            Path::new(adml).parent(),
            Some(sct.as_path()),
            "{} ADML should be beside it",
            file.base
        );
    }
    assert!(
        load.catalog
            .policies()
            .iter()
            .all(|p| !p.display_name.starts_with("$(")),
        "every SCT display name resolves"
    );

    // troennes and mxk both ship SecGuide, MSS-legacy and RestrictedTrafficCustomPolicy: the first
    // folder wins and the second copy is reported.
    let troennes = corpus.join("admx/troennes-private-secure-windows/Templates");
    let both = AdmxCatalog::load_folders(&[mxk(&corpus), troennes]);
    assert_eq!(both.catalog.files().len(), 228 + 1);
    assert_eq!(
        both.warnings
            .iter()
            .filter(|w| w.reason.contains("is already defined by"))
            .count(),
        3
    );
}

// Robustness: mutated fixture texts never make the parsers or the catalog builder panic.

const SAMPLE_ADMX: &[u8] = include_bytes!("../test-gpos/admx/PolicyDefinitions/Sample.admx");
const SAMPLE_ADML: &[u8] = include_bytes!("../test-gpos/admx/PolicyDefinitions/en-us/Sample.adml");
const VENDOR_ADMX: &[u8] = include_bytes!("../test-gpos/admx/Vendor/Vendor.admx");

/// `--admx` and `catalog build --admx`: the troennes templates (a later SecGuide revision, the
/// same AdmPwd and MSS-legacy, and RestrictedTrafficCustomPolicy) loaded onto the SCT 1909 ones.
#[test]
fn templates_loaded_onto_a_base_add_only_what_it_lacks() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let base =
        AdmxCatalog::load_folders(&[corpus.join("gpo-backups/msft-sct-windows10-1909/Templates")]);
    assert!(base.errors.is_empty(), "{:?}", base.errors);
    assert_eq!(base.catalog.policies().len(), 39);
    let base_policies = base.catalog.policies().to_vec();
    let onto = AdmxCatalog::load_folders_onto(
        base.catalog.into_definitions(),
        &[corpus.join("admx/troennes-private-secure-windows/Templates")],
    );
    assert!(onto.errors.is_empty(), "{:?}", onto.errors);
    // RestrictedTrafficCustomPolicy adds its six policies, SecGuide its four new ones; AdmPwd and
    // MSS-legacy, the same templates again, add none.
    let policies = onto.catalog.policies();
    assert_eq!(policies.len(), 49);
    assert_eq!(policies.get(..39), Some(base_policies.as_slice()));
    let added: Vec<&str> = policies[39..].iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        added,
        [
            "Pol_WHMCP_LetWebsitesProvideLocallyRelevantContentByAccessingMyLanguageList",
            "Pol_WHMCP_MessagingCloudSync",
            "Pol_WHMCP_TurnOffMaliciousSoftwareReporting",
            "PreventNetworkTrafficPreUserSignIn",
            "Pol_WHMCP_EanbleTrackProgramsInStart",
            "Pol_WHMCP_EnableWebContentEvaluation",
            "Pol_SecGuide_0721_Print_Driver",
            "Pol_SecGuide_Legacy_JScript",
            "Pol_SecGuide_RpcIncomingAuthenticationLevelPolicy",
            "ConfigureCopyFilesPolicy",
        ]
    );
    // An added SecGuide policy sits under the base's "MS Security Guide" category, and is found
    // by its file and name as the DDF's AdmxBacked route looks it up.
    let print = policy(&onto, "SecGuide", "Pol_SecGuide_0721_Print_Driver");
    assert_eq!(print.category_path, ["MS Security Guide"]);
    assert_eq!(print.category_unresolved, None);
    assert_eq!(
        print.display_name,
        "Limits print driver installation to Administrators (DEPRECATED)"
    );
    assert!(
        onto.catalog.files()[print.file]
            .path
            .contains("troennes-private-secure-windows"),
    );
    // A policy both define keeps the base's definition (its file is SCT 1909's).
    let latfp = policy(&onto, "SecGuide", "Pol_SecGuide_0201_LATFP");
    assert!(
        onto.catalog.files()[latfp.file]
            .path
            .contains("msft-sct-windows10-1909")
    );
    let said: Vec<String> = onto.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        said.iter().any(|w| w.contains(
            "SecGuide.admx: namespace Microsoft.Policies.SecGuide is already defined by "
        ) && w.ends_with(
            "4 policies it lacks added; for the other 13, the loaded definitions stand"
        )),
        "{said:?}"
    );
    assert!(!said.iter().any(|w| w.contains("AdmPwd.admx")), "{said:?}");
}

fn mutate(seed: &[u8], cut: Option<usize>, flips: &[(usize, u8)]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for &(at, bit) in flips {
        if let Some(b) = bytes.get_mut(at % seed.len().max(1)) {
            *b ^= 1 << (bit % 8);
        }
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % (seed.len() + 1));
    }
    bytes
}

fn exercise(admx: &[u8], adml: &[u8]) {
    let admx = decode_text(admx);
    let adml = decode_text(adml);
    let _ = parse_admx(&admx);
    let _ = parse_adml(&adml);
    let load = AdmxCatalog::from_sources(&[AdmxSource {
        file_base: "Sample",
        path: "Sample.admx",
        admx: &admx,
        adml: Some(&adml),
    }]);
    for p in load.catalog.policies() {
        let _ = p.area();
        let _ = load.catalog.registry_claims(Scope::Device, &p.key, "x");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_templates_never_panic(
        which in 0usize..2,
        cut in proptest::option::of(any::<usize>()),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
    ) {
        let seed = if which == 0 { SAMPLE_ADMX } else { VENDOR_ADMX };
        exercise(&mutate(seed, cut, &flips), &mutate(SAMPLE_ADML, cut, &flips));
    }

    #[test]
    fn random_bytes_never_panic(
        admx in proptest::collection::vec(any::<u8>(), 0..512),
        adml in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        exercise(&admx, &adml);
    }
}
