mod common;

use std::collections::BTreeSet;

use gpa::catalog::ddf::{
    AdmxBackedSource, DdfFlavor, DdfIndex, DdfNode, GpMappingSource, ValueType, read_ddf,
    read_ddf_dir,
};
use gpa::model::Scope;
use proptest::prelude::*;

fn node<'a>(nodes: &'a [DdfNode], uri: &str) -> &'a DdfNode {
    let found: Vec<_> = nodes.iter().filter(|n| n.uri == uri).collect();
    assert_eq!(found.len(), 1, "{uri}");
    found[0]
}

fn fixture_bytes() -> Vec<u8> {
    std::fs::read(common::fixtures().join("catalog/ddf/ADMX_WCM_AreaDDF.xml")).unwrap()
}

#[test]
fn fixture_admx_area() {
    let doc = read_ddf(&fixture_bytes()).unwrap();
    assert!(doc.warnings.is_empty());
    let uris: Vec<_> = doc.nodes.iter().map(|n| n.uri.as_str()).collect();
    assert_eq!(
        uris,
        [
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM",
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_DisablePowerManagement",
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_EnableSoftDisconnect",
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections",
        ]
    );
    let n = &doc.nodes[3];
    assert_eq!(n.csp, "Policy");
    assert_eq!(n.policy_area(), Some("ADMX_WCM"));
    assert_eq!(n.format.as_deref(), Some("chr"));
    let admx = n.admx_backed.as_ref().unwrap();
    assert_eq!(admx.file, "WCM.admx");
    assert_eq!(admx.name, "WCM_MinimizeConnections");
    assert_eq!(admx.area.as_deref(), Some("WCM~AT~Network~WCM_Category"));
    assert_eq!(n.applicability.min_os_build(), Some("10.0.19041.1202"));
    assert!(!doc.nodes[0].is_leaf());

    let index = DdfIndex::new(doc.nodes);
    let by_admx = index.by_admx("wcm.admx", "wcm_minimizeconnections");
    assert_eq!(by_admx.len(), 1);
    assert_eq!(by_admx[0].name, "WCM_MinimizeConnections");
    assert!(
        index
            .get("./device/vendor/msft/policy/config/admx_wcm/wcm_minimizeconnections")
            .is_some()
    );
    let json = serde_json::to_string(&index).unwrap();
    let back: DdfIndex = serde_json::from_str(&json).unwrap();
    assert_eq!(back, index);
}

/// mapping-notes: only 6 ADMX policies are backed by two nodes, an `ADMX_` one and a native one
/// (W32Time NTP client under MixedReality, RemovableStorage WPD under Storage); the native node
/// can sit in a non-ADMX area.
#[test]
fn admx_policies_backed_by_two_nodes() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (nodes, _) = read_ddf_dir(&corpus.join("ddf/pl4nty-windows-ddf-2025-02"));
    let index = DdfIndex::new(nodes);
    let keys: BTreeSet<(String, String)> = index
        .nodes()
        .iter()
        .filter_map(|n| n.admx_backed.as_ref())
        .map(|a| (a.file.to_lowercase(), a.name.to_lowercase()))
        .collect();
    let mut doubled = Vec::new();
    for (file, name) in &keys {
        let areas: BTreeSet<_> = index
            .by_admx(file, name)
            .iter()
            .filter_map(|n| n.policy_area())
            .collect();
        if areas.len() > 1 {
            doubled.push(name.clone());
        }
    }
    assert_eq!(doubled.len(), 6, "{doubled:?}");
    let ntp: Vec<_> = index
        .by_admx("W32Time.admx", "W32TIME_POLICY_CONFIGURE_NTPCLIENT")
        .iter()
        .map(|n| n.uri.as_str())
        .collect();
    assert_eq!(
        ntp,
        [
            "./Device/Vendor/MSFT/Policy/Config/ADMX_W32Time/W32TIME_POLICY_CONFIGURE_NTPCLIENT",
            "./Device/Vendor/MSFT/Policy/Config/MixedReality/ConfigureNtpClient",
        ]
    );
    let camera = index.by_admx(
        "ControlPanelDisplay.admx",
        "CPL_Personalization_NoLockScreenCamera",
    );
    assert_eq!(camera.len(), 1);
    assert_eq!(
        camera[0].uri,
        "./Device/Vendor/MSFT/Policy/Config/DeviceLock/PreventEnablingLockScreenCamera"
    );
    let cortana = index.by_gp_name("allowcortanaabovelock");
    assert_eq!(cortana.len(), 1);
    assert_eq!(cortana[0].policy_area(), Some("AboveLock"));
}

#[test]
fn split_ddf_2025() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (nodes, errors) = read_ddf_dir(&corpus.join("ddf/pl4nty-windows-ddf-2025-02"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(nodes.len(), 5815);
    println!(
        "serialized as JSON: {} bytes",
        serde_json::to_vec(&nodes).unwrap().len()
    );
    assert!(nodes.iter().all(|n| n.flavor == DdfFlavor::V2));
    let policy = |n: &DdfNode| n.csp == "Policy";
    assert_eq!(nodes.iter().filter(|n| policy(n)).count(), 3972);

    // mapping-notes counts AdmxBacked and GpMapping in the Policy CSP area files; BitLocker adds
    // 17 and 9, PassportForWork 1 and WindowsDefenderApplicationGuard 11 GpMappings.
    let admx: Vec<_> = nodes.iter().filter(|n| n.admx_backed.is_some()).collect();
    assert_eq!(admx.len(), 2501);
    assert_eq!(admx.iter().filter(|n| policy(n)).count(), 2484);
    assert_eq!(admx.iter().filter(|n| n.csp == "BitLocker").count(), 17);
    let gp: Vec<_> = nodes.iter().filter(|n| !n.gp_mappings.is_empty()).collect();
    assert_eq!(gp.len(), 842);
    assert_eq!(gp.iter().filter(|n| policy(n)).count(), 821);
    assert_eq!(nodes.iter().filter(|n| n.deprecated.is_some()).count(), 30);
    let mut value_types = std::collections::BTreeMap::new();
    for av in nodes.iter().filter_map(|n| n.allowed_values.as_ref()) {
        *value_types
            .entry(format!("{:?}", av.value_type))
            .or_insert(0) += 1;
    }
    println!("{value_types:?}");
    assert!(!value_types.keys().any(|k| k.starts_with("Other")));
    assert_eq!(value_types.get("Admx"), Some(&2501));
    assert_eq!(
        nodes
            .iter()
            .filter(|n| !n.dependency_groups.is_empty())
            .count(),
        116
    );
    let (owner, group) = nodes
        .iter()
        .flat_map(|n| n.dependency_groups.iter().map(move |g| (n, g)))
        .find(|(_, g)| {
            g.friendly_id.as_deref() == Some("AllowWarningForOtherDiskEncryptionDependency")
        })
        .unwrap();
    assert_eq!(owner.csp, "BitLocker");
    let dependency = &group.dependencies[0];
    assert_eq!(dependency.kind.as_deref(), Some("DependsOn"));
    assert_eq!(
        dependency.uri,
        "Device/Vendor/MSFT/Bitlocker/AllowWarningForOtherDiskEncryption"
    );
    assert_eq!(
        dependency.allowed_value.as_ref().unwrap().range,
        Some((0, 0))
    );

    let wcm = node(
        &nodes,
        "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections",
    );
    let a = wcm.admx_backed.as_ref().unwrap();
    assert_eq!(
        (
            a.file.as_str(),
            a.name.as_str(),
            a.area.as_deref(),
            a.source
        ),
        (
            "WCM.admx",
            "WCM_MinimizeConnections",
            Some("WCM~AT~Network~WCM_Category"),
            AdmxBackedSource::AllowedValues
        )
    );
    assert_eq!(
        wcm.allowed_values.as_ref().unwrap().value_type,
        ValueType::Admx
    );
    assert_eq!(
        wcm.applicability.os_build_versions,
        [
            "10.0.22000",
            "10.0.19043.1202",
            "10.0.19042.1202",
            "10.0.19041.1202"
        ]
    );

    let cortana = node(
        &nodes,
        "./Device/Vendor/MSFT/Policy/Config/AboveLock/AllowCortanaAboveLock",
    );
    assert_eq!(cortana.format.as_deref(), Some("int"));
    assert_eq!(cortana.default_value.as_deref(), Some("1"));
    assert_eq!(cortana.scope(), Some(Scope::Device));
    assert_eq!(cortana.applicability.min_os_build(), Some("10.0.14393"));
    let gp = &cortana.gp_mappings[0];
    assert_eq!(gp.english_name, "AllowCortanaAboveLock");
    assert_eq!(
        gp.area_path.as_deref(),
        Some("Search~AT~WindowsComponents~Search")
    );
    assert_eq!(gp.source, GpMappingSource::GpMapping);
    let values = &cortana.allowed_values.as_ref().unwrap().values;
    assert_eq!(values.len(), 2);
    assert_eq!(
        (values[0].value.as_str(), values[0].description.as_str()),
        ("0", "Not allowed.")
    );
    assert_eq!(
        (values[1].value.as_str(), values[1].description.as_str()),
        ("1", "Allowed.")
    );
    assert_eq!(
        cortana.conflict_resolution.as_deref(),
        Some("LowestValueMostSecure")
    );

    let defer = node(
        &nodes,
        "./Device/Vendor/MSFT/Policy/Config/Update/DeferFeatureUpdatesPeriodInDays",
    );
    let av = defer.allowed_values.as_ref().unwrap();
    assert_eq!(
        (&av.value_type, av.text.as_deref(), av.range),
        (&ValueType::Range, Some("[0-365]"), Some((0, 365)))
    );
    let gp = &defer.gp_mappings[0];
    assert_eq!(gp.english_name, "DeferFeatureUpdates");
    assert_eq!(gp.element.as_deref(), Some("DeferFeatureUpdatesPeriodId"));

    let deprecated = node(
        &nodes,
        "./Device/Vendor/MSFT/Policy/Config/AboveLock/AllowActionCenterNotifications",
    );
    assert_eq!(
        deprecated.deprecated.as_ref().unwrap().os_build.as_deref(),
        Some("10.0.22000")
    );
    let copilot = node(
        &nodes,
        "./User/Vendor/MSFT/Policy/Config/WindowsAI/TurnOffWindowsCopilot",
    );
    assert_eq!(copilot.scope(), Some(Scope::User));
    assert_eq!(
        copilot.deprecated.as_ref().unwrap().os_build.as_deref(),
        Some("10.0.26100.712")
    );

    let encryption = node(
        &nodes,
        "./Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption",
    );
    assert_eq!(encryption.csp, "BitLocker");
    assert_eq!(encryption.format.as_deref(), Some("int"));
    assert_eq!(encryption.default_value.as_deref(), Some("0"));
    let values: Vec<_> = encryption
        .allowed_values
        .as_ref()
        .unwrap()
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(values, ["0", "1"]);
    // Microsoft's DDF names the removable-drive write policy here, not the encryption method
    // policy: kept as written.
    let method = node(
        &nodes,
        "./Device/Vendor/MSFT/BitLocker/EncryptionMethodByDriveType",
    );
    let a = method.admx_backed.as_ref().unwrap();
    assert_eq!(
        (a.file.as_str(), a.name.as_str()),
        ("VolumeEncryption.admx", "RDVDenyWriteAccess_Name")
    );

    let laps = node(&nodes, "./Device/Vendor/MSFT/LAPS/Policies/BackupDirectory");
    assert_eq!(laps.csp, "LAPS");
    let values: Vec<_> = laps
        .allowed_values
        .as_ref()
        .unwrap()
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(values, ["0", "1", "2"]);

    let rule = node(
        &nodes,
        "./Vendor/MSFT/Firewall/MdmStore/FirewallRules/{FirewallRuleName}/Enabled",
    );
    assert_eq!((rule.csp.as_str(), rule.scope()), ("Firewall", None));
    assert_eq!(rule.format.as_deref(), Some("bool"));
    assert!(
        node(
            &nodes,
            "./Vendor/MSFT/Firewall/MdmStore/FirewallRules/{FirewallRuleName}"
        )
        .dynamic
    );

    // The file with CR line ends.
    let user_rights = nodes
        .iter()
        .filter(|n| n.policy_area() == Some("UserRights"))
        .count();
    assert!(user_rights > 30, "{user_rights}");
}

#[test]
fn legacy_monolithic_20h2() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("ddf/pl4nty-windows-ddf-20H2");
    let doc = read_ddf(&std::fs::read(dir.join("PolicyDDF_all.xml")).unwrap()).unwrap();
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(doc.nodes.len(), 3253);
    assert!(doc.nodes.iter().all(|n| n.flavor == DdfFlavor::Legacy));
    let config = |n: &&DdfNode| n.uri.contains("/Policy/Config/");
    let admx: Vec<_> = doc
        .nodes
        .iter()
        .filter(|n| n.admx_backed.is_some())
        .filter(config)
        .collect();
    assert_eq!(admx.len(), 645);
    assert!(admx.iter().all(|n| n.metadata_from.is_some()));
    let count = |source| {
        doc.nodes
            .iter()
            .filter(config)
            .flat_map(|n| &n.gp_mappings)
            .filter(|g| g.source == source)
            .count()
    };
    assert_eq!(count(GpMappingSource::AdmxMapped), 498);
    assert_eq!(count(GpMappingSource::GpDbMapped), 99);
    assert_eq!(count(GpMappingSource::GpRegistryMapped), 46);

    let zone = node(
        &doc.nodes,
        "./User/Vendor/MSFT/Policy/Config/AttachmentManager/DoNotPreserveZoneInformation",
    );
    let a = zone.admx_backed.as_ref().unwrap();
    assert_eq!(
        (
            a.file.as_str(),
            a.name.as_str(),
            a.area.as_deref(),
            a.source
        ),
        (
            "AttachmentManager.admx",
            "AM_MarkZoneOnSavedAtttachments",
            Some("AttachmentManager~AT~WindowsComponents~AM_AM"),
            AdmxBackedSource::LegacyAdmxBacked
        )
    );
    assert_eq!(zone.not_supported_on, ["phone"]);
    assert_eq!(
        zone.metadata_from.as_deref(),
        Some("./User/Vendor/MSFT/Policy/Result/AttachmentManager/DoNotPreserveZoneInformation")
    );

    let (nodes, errors) = read_ddf_dir(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(nodes.len(), 4959);
    // The Result twin is read-only: the index returns only the Config node.
    let index = DdfIndex::new(nodes);
    let block = index.by_admx("WCM.admx", "WCM_BlockNonDomain");
    assert_eq!(block.len(), 1);
    assert_eq!(
        block[0].uri,
        "./Device/Vendor/MSFT/Policy/Config/WindowsConnectionManager/ProhitConnectionToNonDomainNetworksWhenConnectedToDomainAuthenticatedNetwork"
    );
}

fn mutated(seed: &[u8], cut: usize, flips: &[(usize, u8)]) -> Vec<u8> {
    let mut bytes = seed.get(..cut.min(seed.len())).unwrap_or_default().to_vec();
    for &(at, mask) in flips {
        if let Some(b) = bytes.get_mut(at % seed.len().max(1)) {
            *b ^= mask;
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn ddf_reader_never_panics_on_mutations(
        cut in 0usize..5_000,
        flips in proptest::collection::vec((0usize..5_000, 1u8..=255), 0..8),
    ) {
        let _ = read_ddf(&mutated(&fixture_bytes(), cut, &flips));
    }

    #[test]
    fn ddf_reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_ddf(&bytes);
    }

    #[test]
    fn range_parser_never_panics(text in "\\PC{0,24}") {
        let _ = gpa::catalog::ddf::parse_range(&text);
    }
}
