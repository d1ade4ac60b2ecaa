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
        assert_eq!(r.readiness, Readiness::Ready, "{name}: {}", r.reason);
        assert_eq!(
            r.definition_id.as_deref(),
            Some(definition.as_str()),
            "{name}"
        );
        assert!(
            r.match_route.ends_with("CatalogIngested"),
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
    // them under Chrome's own DeprecatedPolicies and RemovedPolicies.
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
        assert_eq!(r.readiness, Readiness::Ready, "{name}: {}", r.reason);
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
