//! Joins of the committed catalog on real data: ingested families (Chrome) come out Ready with
//! their definitions, `GpMapping`s of renamed policies resolve through what the policy writes,
//! and `gpa catalog stats` shows each ingested family's join.

mod common;

use gpa::catalog::Catalog;
use gpa::catalog::join::Route;
use gpa::catalog::stats::CatalogStats;
use gpa::input::discover::read_paths;
use gpa::matching::analyze::{Analysis, MatchedSetting, Readiness, analyze};
use gpa::model::Inventory;

fn analysed(path: std::path::PathBuf) -> (Inventory, Analysis) {
    let outcome = read_paths(&[path]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let analysis = analyze(&inventory, catalog);
    (inventory, analysis)
}

fn row<'a>(analysis: &'a Analysis, name: &str) -> &'a MatchedSetting {
    analysis
        .gpos
        .iter()
        .flat_map(|g| &g.rows)
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row named {name}"))
}

const CHROME: &str = "device_vendor_msft_policy_config_chromeintunev1~policy~googlechrome";

#[test]
fn dod_chrome_gpo_settings_are_ready_with_their_chrome_definitions() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, analysis) = analysed(
        corpus.join("gpo-backups/simeononsecurity-wohd-2025/DoD/Chrome/DoD - Google Chrome"),
    );
    for (name, definition, value) in [
        // chrome.admx files it under googlechrome (root Cat_Google); the catalog drops the root.
        (
            "Enable saving passwords to the password manager",
            format!("{CHROME}~passwordmanager_passwordmanagerenabled"),
            "Disabled",
        ),
        (
            "Incognito mode availability",
            format!("{CHROME}_incognitomodeavailability"),
            "Enabled; IncognitoModeAvailability: 1 (Incognito mode disabled)",
        ),
        (
            "Control use of the Web Bluetooth API",
            format!("{CHROME}~contentsettings_defaultwebbluetoothguardsetting"),
            "",
        ),
    ] {
        let r = row(&analysis, name);
        assert_eq!(r.readiness, Readiness::Ready, "{name}: {}", r.reason());
        assert_eq!(
            r.definition_id.as_deref(),
            Some(definition.as_str()),
            "{name}"
        );
        assert!(
            r.match_route.to_string().ends_with("CatalogIngested"),
            "{}",
            r.match_route
        );
        if !value.is_empty() {
            assert_eq!(r.value, value, "{name}");
        }
    }
}

#[test]
fn nsa_chrome_policies_chrome_moved_to_deprecated_and_removed_categories_join() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, analysis) =
        analysed(corpus.join("gpo-backups/nsacyber-windows-secure-host-baseline/Chrome"));
    // chrome.admx has these under Content Settings / Safe Browsing / Plugins; the catalog files
    // them under Chrome's own DeprecatedPolicies and RemovedPolicies: joined, and Deprecated.
    for (name, definition) in [
        (
            "Enable Safe Browsing",
            format!("{CHROME}~deprecatedpolicies_safebrowsingenabled"),
        ),
        (
            "Default plugins setting",
            format!("{CHROME}~removedpolicies_defaultpluginssetting"),
        ),
        (
            "Block access to a list of URLs",
            format!("{CHROME}~deprecatedpolicies_urlblacklist"),
        ),
    ] {
        let r = row(&analysis, name);
        assert_eq!(r.readiness, Readiness::Deprecated, "{name}: {}", r.reason());
        assert!(r.reason().contains("deprecated category"), "{}", r.reason());
        assert_eq!(
            r.definition_id.as_deref(),
            Some(definition.as_str()),
            "{name}"
        );
    }
}

#[test]
fn catalog_stats_show_each_ingested_family_join() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let stats = CatalogStats::of(catalog);
    let chrome = stats.ingested_families["chromeintune"];
    // chrome.admx of the corpus is older than the catalog: its 202 policies join (both
    // chromeIntuneV1 and the recommended copies); the ~1,000 newer ones have no template here.
    assert!(chrome.linked >= 390, "{chrome:?}");
    assert_eq!(chrome.linked + chrome.not_linked, chrome.definitions);
    let edge = stats.ingested_families["microsoft_edge"];
    assert!(edge.linked > 1_500, "{edge:?}");
    let rendered = stats.render();
    assert!(rendered.contains("  chromeintune "), "{rendered}");
    assert!(rendered.contains("  office16 "), "{rendered}");
}

#[test]
fn gp_mappings_of_renamed_policies_resolve_through_the_value_they_write() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let links = catalog
        .links_to_definition("device_vendor_msft_policy_config_update_setdisablepauseuxaccess");
    let link = links.first().expect("a link to SetDisablePauseUXAccess");
    let policy = catalog.admx().policy(link.policy).expect("policy");
    assert_eq!(policy.name, "DisablePauseUXAccess");
    assert_eq!(
        policy.value_name.as_deref(),
        Some("SetDisablePauseUXAccess")
    );
    assert_eq!(link.routes, [Route::DdfGpMappingRenamed]);

    // The Kerberos PKInit hash nodes name the elements of one policy.
    let links = catalog
        .links_to_definition("device_vendor_msft_policy_config_kerberos_pkinithashalgorithmsha256");
    let link = links.first().expect("a link to PKInitHashAlgorithmSHA256");
    assert_eq!(
        catalog.admx().policy(link.policy).map(|p| p.name.as_str()),
        Some("PKInitHashAlgorithmConfiguration")
    );
    assert_eq!(
        link.gp_element.as_deref(),
        Some("PKInitHashAlgorithmSHA256")
    );

    // What stays unresolved is listed with its reason.
    let stats = CatalogStats::of(catalog);
    assert!(
        stats
            .unresolved_gp_mapping
            .iter()
            .any(|u| u.contains("Update/DeferUpgradePeriod") && u.contains("\"DeferUpgrade\"")),
        "{:?}",
        stats.unresolved_gp_mapping
    );
    assert!(
        !stats
            .unresolved_gp_mapping
            .iter()
            .any(|u| u.contains("SetDisablePauseUXAccess"))
    );
}

const PASSPORT: &str = "device_vendor_msft_passportforwork_{tenantid}_policies_";

#[test]
fn windows_hello_for_business_pin_complexity_is_ready_through_the_curated_table() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, analysis) = analysed(corpus.join(
        "gpo-backups/dasar0410-micronsoft-ad/GPOs/GPOer/{51110167-CF96-4031-B0FF-F7FBA6AE6812}",
    ));
    for (name, definition) in [
        ("Minimum PIN length", "pincomplexity_minimumpinlength"),
        ("Require digits", "pincomplexity_digits"),
        (
            "Require lowercase letters",
            "pincomplexity_lowercaseletters",
        ),
        (
            "Require uppercase letters",
            "pincomplexity_uppercaseletters",
        ),
    ] {
        let r = row(&analysis, name);
        assert_eq!(r.readiness, Readiness::Ready, "{name}: {}", r.reason());
        assert_eq!(
            r.definition_id.as_deref(),
            Some(format!("{PASSPORT}{definition}").as_str()),
            "{name}"
        );
        assert!(
            r.match_route.to_string().ends_with("Curated"),
            "{}",
            r.match_route
        );
    }

    // The DoD Windows 10 STIG of the NSA baseline: hardware security device and anti-spoofing.
    let (_, analysis) = analysed(corpus.join(
        "gpo-backups/nsacyber-windows-secure-host-baseline/Windows/Group Policy Objects/Computer/{A2A38432-E322-437F-9975-B7CC7F16F4AA}",
    ));
    for (name, definition) in [
        (
            "Use a hardware security device",
            format!("{PASSPORT}requiresecuritydevice"),
        ),
        (
            "Configure enhanced anti-spoofing",
            "device_vendor_msft_passportforwork_biometrics_facialfeaturesuseenhancedantispoofing"
                .to_string(),
        ),
    ] {
        let r = row(&analysis, name);
        assert_eq!(r.readiness, Readiness::Ready, "{name}: {}", r.reason());
        assert_eq!(
            r.definition_id.as_deref(),
            Some(definition.as_str()),
            "{name}"
        );
    }
}

#[test]
fn no_curated_row_points_at_a_deprecated_definition_with_a_current_replacement() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let mut stale = Vec::new();
    for row in catalog.curated() {
        let Some(def) = row
            .definition_id
            .as_deref()
            .and_then(|id| catalog.definition(id))
        else {
            continue;
        };
        let replaced = def.is_deprecated()
            && catalog
                .definitions()
                .all_by_uri(&def.uri())
                .iter()
                .any(|other| !other.is_deprecated());
        if replaced {
            stale.push(def.id.clone());
        }
    }
    assert!(stale.is_empty(), "{stale:?}");
    let inactivity = catalog
        .curated()
        .iter()
        .find(|r| r.gp_english_name == "Interactive logon: Machine inactivity limit")
        .expect("the machine inactivity limit row");
    assert_eq!(
        inactivity.definition_id.as_deref(),
        Some(
            "device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_machineinactivitylimit_v2"
        )
    );
}

#[test]
fn machine_inactivity_limit_of_the_sct_baseline_is_ready_on_the_v2_definition() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(corpus.join("gpo-backups/msft-sct-windows10-1909"));
    let computer = analysis
        .gpos
        .iter()
        .find(|g| inventory.gpos[g.gpo].display_name == "MSFT Windows 10 1909 - Computer")
        .expect("the Computer GPO");
    let r = computer
        .rows
        .iter()
        .find(|r| r.name == "Interactive logon: Machine inactivity limit")
        .expect("the machine inactivity limit row");
    assert_eq!(r.readiness, Readiness::Ready, "{}", r.reason());
    assert_eq!(
        r.definition_id.as_deref(),
        Some(
            "device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_machineinactivitylimit_v2"
        )
    );
    assert_eq!(r.value, "900");
}
