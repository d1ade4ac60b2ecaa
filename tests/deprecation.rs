//! Deprecated only when it is: on the DoD baselines (simeononsecurity-wohd-2025), Edge and
//! Internet Explorer policies with a definition are Ready, and a policy whose `supportedOn` ends
//! before Windows 10 is Deprecated.

mod common;

use gpa::catalog::Catalog;
use gpa::input::discover::read_paths;
use gpa::matching::analyze::{MatchedSetting, Readiness, analyze};
use gpa::matching::deprecation::{DeprecationReason, RetiredProductNote, lifecycle};
use gpa::model::Inventory;

/// The rows of the one GPO read from `dir`.
fn rows(dir: std::path::PathBuf) -> Vec<MatchedSetting> {
    let outcome = read_paths(&[dir]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    assert_eq!(inventory.gpos.len(), 1);
    let mut analysis = analyze(&inventory, Catalog::embedded().expect("embedded catalog"));
    analysis.gpos.remove(0).rows
}

fn row<'a>(rows: &'a [MatchedSetting], name: &str) -> &'a MatchedSetting {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn dod_edge_policies_are_ready_with_their_definitions() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let rows = rows(corpus.join("gpo-backups/simeononsecurity-wohd-2025/DoD/Edge"));
    // supportedOn "Microsoft Edge version 77, Windows 7 or later": open at the top.
    let tools = row(&rows, "Control where developer tools can be used");
    assert_eq!(tools.readiness, Readiness::Ready, "{}", tools.reason());
    assert_eq!(
        tools.definition_id.as_deref(),
        Some(
            "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_developertoolsavailability"
        )
    );
    assert!(
        !tools.reason().contains("supports it only"),
        "{}",
        tools.reason()
    );
    // Most of the baseline is Ready; the one Deprecated row is a policy Edge 98 removed.
    let ready = rows
        .iter()
        .filter(|r| r.readiness == Readiness::Ready)
        .count();
    assert!(ready >= 50, "{ready} Ready rows");
    let deprecated: Vec<&str> = rows
        .iter()
        .filter(|r| r.readiness == Readiness::Deprecated)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(deprecated, ["Minimum TLS version enabled (obsolete)"]);
    let tls = row(&rows, "Minimum TLS version enabled (obsolete)");
    assert!(
        tls.reason().contains(
            "Microsoft Edge up to version 97 (\"Microsoft Edge version 77-97, Windows 7 or later\")"
        ),
        "{}",
        tls.reason()
    );
}

#[test]
fn dod_ie11_zone_policies_are_ready_through_edge_ie_mode() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let rows = rows(corpus.join(
        "gpo-backups/simeononsecurity-wohd-2025/DoD/IE11/DoD - Internet Explorer 11 - Computer",
    ));
    let zone = rows
        .iter()
        .find(|r| {
            r.name == "Access data sources across domains"
                && r.category.ends_with("Security Page/Internet Zone")
        })
        .expect("Internet Zone: Access data sources across domains");
    assert_eq!(zone.readiness, Readiness::Ready, "{}", zone.reason());
    assert_eq!(
        zone.definition_id.as_deref(),
        Some(
            "device_vendor_msft_policy_config_internetexplorer_internetzoneallowaccesstodatasources"
        )
    );
    assert!(
        zone.reason()
            .contains(RetiredProductNote::InternetExplorerMode.text()),
        "{}",
        zone.reason()
    );
    assert!(
        rows.iter().all(|r| r.readiness != Readiness::Deprecated),
        "no IE 11 row of this baseline is Deprecated"
    );
}

#[test]
fn a_policy_supported_only_before_windows_10_is_deprecated() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let rows = rows(corpus.join(
        "gpo-backups/simeononsecurity-wohd-2025/SoS/Telemetry and Security/SOS - Telemetry and Security",
    ));
    // WinCal.admx TurnOffWinCal_2: supportedOn windows:SUPPORTED_WindowsVistaOnly.
    let calendar = row(&rows, "Turn off Windows Calendar");
    assert_eq!(calendar.readiness, Readiness::Deprecated);
    assert_eq!(
        calendar.definition_id.as_deref(),
        Some("device_vendor_msft_policy_config_admx_wincal_turnoffwincal_2")
    );
    assert!(
        calendar.reason().contains(
            "the template supports it only on Windows releases before Windows 10 (\"Windows Vista only\")"
        ),
        "{}",
        calendar.reason()
    );
}

#[test]
fn a_chrome_definition_in_deprecated_policies_is_deprecated() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let id = "device_vendor_msft_policy_config_chromeintunev141~policy~googlechrome~deprecatedpolicies_useragentreduction";
    assert!(catalog.definition(id).is_some(), "the catalog has {id}");
    let life = lifecycle(catalog, None, None, Some(id));
    assert_eq!(
        life.deprecated,
        Some(DeprecationReason::DeprecatedCategory {
            category: "deprecatedpolicies".to_string()
        })
    );
    // A definition outside such a category is not.
    let current = "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_developertoolsavailability";
    assert_eq!(
        lifecycle(catalog, None, None, Some(current)).deprecated,
        None
    );
}
