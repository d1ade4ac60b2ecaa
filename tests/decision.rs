//! One decision per setting: a row is Ready exactly when `gpa convert --merge none` writes it,
//! over the whole corpus; every row that is not Ready says why; a policy the DDF maps element by
//! element to several nodes gives one row, and one written setting, per node.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use gpa::catalog::Catalog;
use gpa::emit::convert::{Conversion, ConvertedPolicy, LeftOutReason, Merge, convert};
use gpa::input::discover::read_paths;
use gpa::matching::analyze::{Analysis, MatchedSetting, Readiness, ReasonKind, analyze};
use gpa::model::{Inventory, Scope};

fn analysed(paths: &[PathBuf]) -> (Inventory, Analysis) {
    let outcome = read_paths(paths);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let analysis = analyze(&inventory, Catalog::embedded().expect("embedded catalog"));
    (inventory, analysis)
}

/// One policy per GPO, as `gpa convert` writes them by default.
fn converted(inventory: &Inventory, analysis: &Analysis) -> Conversion {
    convert(
        inventory,
        analysis,
        Catalog::embedded().expect("embedded catalog"),
        Merge::None,
    )
}

/// The option a policy's top-level instance of a definition chose.
fn written_option(policy: &ConvertedPolicy, id: &str) -> Option<String> {
    policy
        .settings
        .iter()
        .find(|s| s.setting_definition_id == id)
        .and_then(|s| s.chosen_option())
        .map(str::to_string)
}

/// (GPO, setting name, scope, value, definition id): what a row and a written source share.
type Key = (usize, String, Scope, String, Option<String>);

fn key(gpo: usize, row: &MatchedSetting) -> Key {
    (
        gpo,
        row.name.clone(),
        row.scope,
        row.value.clone(),
        row.definition_id.clone(),
    )
}

fn count(map: &mut BTreeMap<Key, usize>, key: Key) {
    *map.entry(key).or_default() += 1;
}

#[test]
fn a_row_is_ready_exactly_when_convert_writes_it() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[corpus.join("gpo-backups"), corpus.join("gpo-reports")]);
    let conversion = converted(&inventory, &analysis);

    let mut ready: BTreeMap<Key, usize> = BTreeMap::new();
    let mut not_ready: BTreeMap<Key, usize> = BTreeMap::new();
    let mut review = 0;
    for a in &analysis.gpos {
        for row in &a.rows {
            assert_eq!(
                row.instance.is_some(),
                row.readiness == Readiness::Ready,
                "{:?}: an instance exactly when Ready",
                row.name
            );
            if row.readiness == Readiness::Ready {
                count(&mut ready, key(a.gpo, row));
            } else {
                count(&mut not_ready, key(a.gpo, row));
                assert!(!row.reasons.is_empty(), "{:?} has no reason", row.name);
            }
            if row.readiness == Readiness::NeedsReview {
                review += 1;
                assert!(
                    row.definition_id.is_some(),
                    "{:?}: Needs review names its definition",
                    row.name
                );
                assert!(
                    row.reasons.iter().any(|r| matches!(
                        r.kind,
                        ReasonKind::ValueHasNoForm
                            | ReasonKind::ConflictInGpo
                            | ReasonKind::ParentNotSet
                            | ReasonKind::RequiredChildMissing
                    )),
                    "{:?}: Needs review says why the value cannot be written",
                    row.name
                );
            }
        }
    }
    let mut written: BTreeMap<Key, usize> = BTreeMap::new();
    let mut left_out: BTreeMap<Key, usize> = BTreeMap::new();
    let mut not_convertible = 0;
    for policy in &conversion.policies {
        assert!(policy.conflicts.is_empty(), "{}: conflicts", policy.name);
        for w in &policy.written {
            for s in &w.sources {
                count(
                    &mut written,
                    (
                        s.gpo,
                        s.setting.clone(),
                        s.scope,
                        s.value.clone(),
                        s.definition_id.clone(),
                    ),
                );
            }
        }
        for l in &policy.left_out {
            if l.reason == LeftOutReason::NotConvertible {
                not_convertible += 1;
            }
            count(
                &mut left_out,
                (
                    l.source.gpo,
                    l.source.setting.clone(),
                    l.source.scope,
                    l.source.value.clone(),
                    l.source.definition_id.clone(),
                ),
            );
        }
    }
    assert!(ready.values().sum::<usize>() > 2500);
    assert_eq!(ready, written, "Ready rows and written settings differ");
    assert_eq!(
        not_ready, left_out,
        "rows not Ready and rows left out differ"
    );
    assert_eq!(review, not_convertible);
}

/// The Device Guard GPO of the SCT 1909 Member Server baseline sets *Turn On Virtualization Based
/// Security* with its drop-downs; the DDF maps the policy and four of its elements to nodes of
/// their own.
#[test]
fn virtualization_based_security_gives_each_of_its_definitions() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[corpus.join("gpo-backups/msft-sct-windows10-1909")]);
    let gpo = analysis
        .gpos
        .iter()
        .find(|a| {
            inventory.gpos[a.gpo].display_name
                == "MSFT Windows 10 1909 and Server 1909 Member Server - Credential Guard"
        })
        .expect("Credential Guard GPO");
    let rows: BTreeMap<&str, &MatchedSetting> = gpo
        .rows
        .iter()
        .filter(|r| r.name.starts_with("Turn On Virtualization Based Security"))
        .filter_map(|r| Some((r.definition_id.as_deref()?, r)))
        .collect();
    let expect = [
        (
            "device_vendor_msft_policy_config_deviceguard_enablevirtualizationbasedsecurity",
            Readiness::Ready,
            "Enabled",
        ),
        (
            "device_vendor_msft_policy_config_deviceguard_requireplatformsecurityfeatures",
            Readiness::Ready,
            "RequirePlatformSecurityFeaturesDrop: 1 (Secure Boot)",
        ),
        (
            "device_vendor_msft_policy_config_deviceguard_lsacfgflags",
            Readiness::Ready,
            "CredentialIsolationDrop: 1 (Enabled with UEFI lock)",
        ),
        (
            "device_vendor_msft_policy_config_deviceguard_configuresystemguardlaunch",
            Readiness::Ready,
            "SystemGuardDrop: 1 (Enabled)",
        ),
        (
            "device_vendor_msft_policy_config_virtualizationbasedtechnology_hypervisorenforcedcodeintegrity",
            Readiness::Ready,
            "HypervisorEnforcedCodeIntegrityDrop: 1 (Enabled with UEFI lock)",
        ),
    ];
    for (id, readiness, value) in expect {
        let row = rows
            .get(id)
            .unwrap_or_else(|| panic!("no row for {id}: {:?}", rows.keys()));
        assert_eq!(row.readiness, readiness, "{id}: {}", row.reason());
        assert!(row.value.contains(value), "{id}: {}", row.value);
    }
    // The element rows each carry their own element only.
    let lsa = rows["device_vendor_msft_policy_config_deviceguard_lsacfgflags"];
    assert_eq!(
        lsa.value,
        "Enabled; CredentialIsolationDrop: 1 (Enabled with UEFI lock)"
    );
    assert_eq!(
        lsa.name,
        "Turn On Virtualization Based Security: Credential Guard"
    );

    // Converted, each node is a setting of the policy, with the GPO's value as its option.
    let conversion = converted(&inventory, &analysis);
    let policy = conversion
        .policies
        .iter()
        .find(|p| p.gpos == vec![gpo.gpo])
        .expect("policy");
    let option = |id: &str| written_option(policy, id);
    assert_eq!(
        option("device_vendor_msft_policy_config_deviceguard_lsacfgflags").as_deref(),
        Some("device_vendor_msft_policy_config_deviceguard_lsacfgflags_1")
    );
    assert_eq!(
        option("device_vendor_msft_policy_config_deviceguard_requireplatformsecurityfeatures")
            .as_deref(),
        Some("device_vendor_msft_policy_config_deviceguard_requireplatformsecurityfeatures_1")
    );
}

/// A drop-down value the node has no option for (DeviceGuard's 3, "Not Configured") is not
/// Ready, and convert lists it as left out with the same reason.
#[test]
fn an_element_value_without_an_option_is_left_out_with_its_reason() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[corpus.join("gpo-backups/simeononsecurity-wohd-2025")]);
    let (gpo, row) = analysis
        .gpos
        .iter()
        .flat_map(|a| a.rows.iter().map(move |r| (a.gpo, r)))
        .find(|(_, r)| {
            r.name == "Turn On Virtualization Based Security: Hypervisor Enforced Code Integrity"
                && r.value.contains("3 (Not Configured)")
        })
        .expect("the DoD Windows 10 GPO sets HVCI to 3");
    assert_eq!(row.readiness, Readiness::NeedsReview);
    assert!(
        row.reason().contains("3 is not an option"),
        "{}",
        row.reason()
    );
    let conversion = converted(&inventory, &analysis);
    let left = conversion
        .policies
        .iter()
        .flat_map(|p| &p.left_out)
        .find(|l| l.source.gpo == gpo && l.source.setting == row.name)
        .expect("left out");
    assert_eq!(left.reason, LeftOutReason::NotConvertible);
    assert!(
        left.detail.contains("3 is not an option"),
        "{}",
        left.detail
    );
}

/// GP-mapped native nodes whose values are the policy's own are written: LSA protection and
/// SmartScreen in the shell, from Microsoft's Windows 11 24H2 baseline as an RSoP report.
#[test]
fn lsa_protection_and_smartscreen_shell_from_the_24h2_rsop_are_written() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, analysis) = analysed(&[corpus.join("gpo-reports/raandree-gporeport")]);
    let conversion = converted(&inventory, &analysis);
    let policy = conversion
        .policies
        .iter()
        .find(|p| p.name == "MSFT Windows 11 24H2 - Computer")
        .expect("24H2 computer policy");
    let option = |id: &str| written_option(policy, id);
    assert_eq!(
        option(
            "device_vendor_msft_policy_config_localsecurityauthority_configurelsaprotectedprocess"
        )
        .as_deref(),
        Some(
            "device_vendor_msft_policy_config_localsecurityauthority_configurelsaprotectedprocess_1"
        )
    );
    assert_eq!(
        option("device_vendor_msft_policy_config_smartscreen_enablesmartscreeninshell").as_deref(),
        Some("device_vendor_msft_policy_config_smartscreen_enablesmartscreeninshell_1")
    );
}
