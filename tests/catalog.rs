//! The joined MDM catalog: the committed build is what the corpus gives, byte for byte, and named
//! real entries are linked by the routes that should find them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use gpa::catalog::admx::PolicyClass;
use gpa::catalog::curated::CuratedKey;
use gpa::catalog::join::{CatalogLink, Route};
use gpa::catalog::stats::CatalogStats;
use gpa::catalog::{BUILD_INFO_FILE, CATALOG_FILE, Catalog, CatalogSources, build_catalog};
use gpa::model::Scope;

fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("admx-catalog")
}

fn catalog() -> &'static Catalog {
    match Catalog::embedded() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// The links of `File:Name` in a scope.
fn links<'a>(c: &'a Catalog, file: &str, name: &str, scope: Scope) -> Vec<&'a CatalogLink> {
    let Some(i) = c.admx().policy_index(file, name) else {
        panic!("no ADMX policy {file}:{name}");
    };
    c.links_for(i, scope)
}

fn only<'a>(links: &[&'a CatalogLink]) -> &'a CatalogLink {
    assert_eq!(links.len(), 1, "{links:#?}");
    links[0]
}

#[test]
fn committed_catalog_is_the_corpus_rebuilt_byte_for_byte() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let sources = CatalogSources::corpus_defaults(&corpus, &committed_dir().join("curated"));
    let build = match build_catalog(&sources) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    assert!(build.errors.is_empty(), "{:?}", build.errors);
    let bytes = build.catalog.to_bytes().unwrap_or_default();
    let committed = std::fs::read(committed_dir().join(CATALOG_FILE)).unwrap_or_default();
    assert!(
        bytes == committed,
        "admx-catalog/{CATALOG_FILE} is stale: run `gpa catalog build` ({} bytes built, {} committed)",
        bytes.len(),
        committed.len()
    );
    let out = std::env::temp_dir().join(format!("gpa-catalog-test-{}", std::process::id()));
    assert!(build.catalog.write_dir(&out).is_ok());
    let info = std::fs::read(out.join(BUILD_INFO_FILE)).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(
        String::from_utf8_lossy(&info),
        String::from_utf8_lossy(
            &std::fs::read(committed_dir().join(BUILD_INFO_FILE)).unwrap_or_default()
        )
    );
    // No absolute path of the build machine leaks into the committed catalog.
    let root = corpus.to_string_lossy().into_owned();
    assert!(
        !build
            .catalog
            .admx()
            .files()
            .iter()
            .any(|f| f.path.contains(&root))
    );
}

#[test]
fn build_info_names_sources_relative_to_the_corpus() {
    let info = catalog().build_info();
    assert_eq!(
        info.admx_folders.first().map(String::as_str),
        Some("admx/mxk-windows-secure-group-policy/PolicyDefinitions")
    );
    assert_eq!(info.ddf_folders, ["ddf/pl4nty-windows-ddf-2025-02"]);
    assert_eq!(info.admx_files, 249);
    assert_eq!(info.admx_policies, 7301);
    assert_eq!(info.definitions, 15135);
    assert_eq!(info.ddf_nodes_read, 5815);
    assert_eq!(info.ddf_nodes_kept, 5023);
    assert_eq!(info.curated_rows, 357);
    assert_eq!(info.read_errors, 0);
}

#[test]
fn wcm_minimize_connections_links_by_ddf_and_keywords_with_its_options_child() {
    let c = catalog();
    let policy = c
        .admx()
        .policy_by_name("WCM.admx", "WCM_MinimizeConnections")
        .map(|p| (p.class, p.key.clone()));
    assert_eq!(
        policy,
        Some((
            PolicyClass::Machine,
            "Software\\Policies\\Microsoft\\Windows\\WcmSvc\\GroupPolicy".to_string()
        ))
    );
    assert!(links(c, "WCM", "WCM_MinimizeConnections", Scope::User).is_empty());
    let link = only(&links(c, "WCM", "WCM_MinimizeConnections", Scope::Device));
    assert_eq!(
        link.csp_uri,
        "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections"
    );
    assert_eq!(
        link.definition_id.as_deref(),
        Some("device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections")
    );
    assert_eq!(link.routes, [Route::DdfAdmxBacked, Route::CatalogKeywords]);
    assert!(link.disagrees_with.is_empty());
    assert_eq!(link.elements.len(), 1);
    assert_eq!(link.elements[0].element, "WCM_MinimizeConnections_Options");
    assert_eq!(
        link.elements[0].definition_id.as_deref(),
        Some(
            "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections_wcm_minimizeconnections_options"
        )
    );
    // The same link is found from the registry value, the definition and the node.
    let claims = c.registry_claims(
        Scope::Device,
        "software\\policies\\microsoft\\windows\\wcmsvc\\grouppolicy",
        "fMinimizeConnections",
    );
    assert_eq!(claims.len(), 1);
    assert_eq!(
        c.links_to_definition("DEVICE_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections")
            .len(),
        1
    );
    assert!(
        c.csp_node(&link.csp_uri)
            .is_some_and(|n| n.admx_backed.is_some())
    );
    assert!(
        c.definition(&link.elements[0].definition_id.clone().unwrap_or_default())
            .is_some()
    );
}

#[test]
fn user_class_policy_links_to_a_user_definition() {
    let c = catalog();
    assert!(links(c, "AddRemovePrograms", "DefaultCategory", Scope::Device).is_empty());
    let link = only(&links(
        c,
        "AddRemovePrograms",
        "DefaultCategory",
        Scope::User,
    ));
    assert_eq!(
        link.csp_uri,
        "./User/Vendor/MSFT/Policy/Config/ADMX_AddRemovePrograms/DefaultCategory"
    );
    assert_eq!(
        link.definition_id.as_deref(),
        Some("user_vendor_msft_policy_config_admx_addremoveprograms_defaultcategory")
    );
    assert_eq!(link.routes, [Route::DdfAdmxBacked, Route::CatalogKeywords]);
}

#[test]
fn both_class_policy_gives_a_device_and_a_user_link() {
    let c = catalog();
    let device = only(&links(
        c,
        "AppXRuntime",
        "AppxRuntimeBlockFileElevation",
        Scope::Device,
    ));
    let user = only(&links(
        c,
        "AppXRuntime",
        "AppxRuntimeBlockFileElevation",
        Scope::User,
    ));
    assert_eq!(
        device.definition_id.as_deref(),
        Some("device_vendor_msft_policy_config_admx_appxruntime_appxruntimeblockfileelevation")
    );
    assert_eq!(
        user.definition_id.as_deref(),
        Some("user_vendor_msft_policy_config_admx_appxruntime_appxruntimeblockfileelevation")
    );
    assert_eq!(
        device.routes,
        [Route::DdfAdmxBacked, Route::CatalogKeywords]
    );
    assert_eq!(user.routes, [Route::DdfAdmxBacked, Route::CatalogKeywords]);
}

#[test]
fn gp_mapped_native_node_links_abovelock_to_search_policy() {
    let c = catalog();
    let link = only(&links(c, "Search", "AllowCortanaAboveLock", Scope::Device));
    assert_eq!(
        link.csp_uri,
        "./Device/Vendor/MSFT/Policy/Config/AboveLock/AllowCortanaAboveLock"
    );
    assert_eq!(
        link.definition_id.as_deref(),
        Some("device_vendor_msft_policy_config_abovelock_allowcortanaabovelock")
    );
    assert_eq!(link.routes, [Route::DdfGpMapping]);
    let node = c.csp_node(&link.csp_uri);
    assert!(node.is_some_and(|n| n.admx_backed.is_none() && !n.gp_mappings.is_empty()));
}

#[test]
fn edge_homepage_location_is_reached_through_the_ingested_template() {
    let c = catalog();
    for (scope, prefix) in [(Scope::Device, "device"), (Scope::User, "user")] {
        let link = only(&links(c, "msedge", "HomepageLocation", scope));
        let id = format!(
            "{prefix}_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~startup_homepagelocation"
        );
        assert_eq!(link.definition_id.as_deref(), Some(id.as_str()));
        assert_eq!(link.routes, [Route::CatalogIngested]);
        assert_eq!(link.elements.len(), 1);
        assert_eq!(link.elements[0].element, "HomepageLocation");
        assert_eq!(
            link.elements[0].definition_id,
            Some(format!("{id}_homepagelocation"))
        );
    }
}

#[test]
fn office_2016_policy_is_reached_through_its_category_keyword() {
    let c = catalog();
    let link = only(&links(c, "access16", "L_Defaultdirection", Scope::User));
    assert_eq!(link.routes, [Route::CatalogIngested]);
    assert_eq!(
        link.definition_id.as_deref(),
        Some(
            "user_vendor_msft_policy_config_access16v2~policy~l_microsoftofficeaccess~l_applicationsettings~l_international_l_defaultdirection"
        )
    );
    assert_eq!(
        link.elements
            .first()
            .and_then(|e| e.definition_id.as_deref()),
        Some(
            "user_vendor_msft_policy_config_access16v2~policy~l_microsoftofficeaccess~l_applicationsettings~l_international_l_defaultdirection_l_defaultdirection0"
        )
    );
}

/// Intune nests Outlook's security policies under "Outlook Security Mode" and trust bar policies
/// under "Require that application add-ins are signed": the current definition is a dependent
/// `…_v2`, not a root, and the root at the same node is marked "(Deprecated)". The link goes to the
/// current one.
#[test]
fn office_2016_policy_nested_under_another_setting_links_to_the_current_definition() {
    let c = catalog();
    let outlook = "user_vendor_msft_policy_config_outlk16v6~policy~l_microsoftofficeoutlook~l_outlookoptions~l_preferences~l_junkemail_l_junkemailprotectionlevel";
    let word = "user_vendor_msft_policy_config_word16v2~policy~l_microsoftofficeword~l_wordoptions~l_security~l_trustcenter_l_disabletrustbarnotificationforunsigned";
    for (file, name, deprecated, parent) in [
        (
            "outlk16",
            "L_JunkEmailprotectionlevel",
            outlook,
            "user_vendor_msft_policy_config_outlk16v2~policy~l_microsoftofficeoutlook~l_security~l_securityformsettings_l_outlooksecuritymode",
        ),
        (
            "word16",
            "L_DisableTrustBarNotificationforunsigned",
            word,
            "user_vendor_msft_policy_config_word16v2~policy~l_microsoftofficeword~l_wordoptions~l_security~l_trustcenter_l_requirethatapplicationextensionsaresigned",
        ),
    ] {
        let current = format!("{deprecated}_v2");
        let link = only(&links(c, file, name, Scope::User));
        assert_eq!(link.definition_id.as_deref(), Some(current.as_str()));
        assert_eq!(link.routes, [Route::CatalogIngested]);
        assert!(link.disagrees_with.is_empty());
        assert!(c.links_to_definition(deprecated).is_empty());
        assert!(c.definition(deprecated).is_some_and(|d| d.is_deprecated()));
        let def = c.definition(&current);
        assert!(def.is_some_and(|d| !d.is_deprecated()));
        assert_eq!(
            def.and_then(|d| d.root_definition_id.as_deref()),
            Some(parent)
        );
    }
    let link = only(&links(
        c,
        "outlk16",
        "L_JunkEmailprotectionlevel",
        Scope::User,
    ));
    assert_eq!(link.elements.len(), 1);
    assert_eq!(
        link.elements[0].definition_id,
        Some(format!("{outlook}_v2_l_selectlevel"))
    );
}

#[test]
fn bitlocker_encryption_method_prefers_the_curated_row_over_the_wrong_ddf_name() {
    let c = catalog();
    let uri = "./Device/Vendor/MSFT/BitLocker/EncryptionMethodByDriveType";
    let curated = only(&links(
        c,
        "VolumeEncryption",
        "EncryptionMethodWithXts_Name",
        Scope::Device,
    ));
    assert_eq!(curated.csp_uri, uri);
    assert_eq!(curated.routes, [Route::Curated]);
    assert_eq!(
        curated.definition_id.as_deref(),
        Some("device_vendor_msft_bitlocker_encryptionmethodbydrivetype")
    );
    assert!(!curated.superseded_by_curated);
    assert_eq!(curated.disagrees_with.len(), 1);
    assert_eq!(curated.disagrees_with[0].routes, [Route::DdfAdmxBacked]);
    let wrong: Vec<_> = links(
        c,
        "VolumeEncryption",
        "RDVDenyWriteAccess_Name",
        Scope::Device,
    )
    .into_iter()
    .filter(|l| l.csp_uri == uri)
    .collect();
    let wrong = only(&wrong);
    assert_eq!(wrong.routes, [Route::DdfAdmxBacked]);
    assert!(wrong.superseded_by_curated);
    // The curated rows themselves are found by registry key, ignoring case.
    let rows = c.curated_for(&CuratedKey::Registry {
        key: "software\\policies\\microsoft\\fve".into(),
        value_name: "ENCRYPTIONMETHODWITHXTSOS".into(),
    });
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].csp_uri.as_deref(), Some(uri));
}

/// The DDF's `GpAreaPath` for Windows Update predates the templates' "Manage end user experience"
/// and "Legacy Policies" categories: the policy of that name in WindowsUpdate.admx is taken.
#[test]
fn gp_mapping_finds_a_policy_moved_to_a_new_category() {
    let c = catalog();
    let found = links(c, "WindowsUpdate", "AutoUpdateCfg", Scope::Device);
    // One native node per element of the policy: AUOptions, the schedule, Microsoft Update.
    assert_eq!(found.len(), 9, "{found:#?}");
    let link = found
        .iter()
        .find(|l| l.gp_element.as_deref() == Some("AutoUpdateMode"))
        .expect("the AutoUpdateMode element's node");
    assert_eq!(
        link.csp_uri,
        "./Device/Vendor/MSFT/Policy/Config/Update/AllowAutoUpdate"
    );
    assert_eq!(
        link.definition_id.as_deref(),
        Some("device_vendor_msft_policy_config_update_allowautoupdate")
    );
    assert_eq!(link.routes, [Route::DdfGpMapping]);
    assert!(found.iter().all(|l| l.routes == [Route::DdfGpMapping]));
}

#[test]
fn stats_figures_of_the_committed_catalog() {
    let s = CatalogStats::of(catalog());
    assert_eq!(s.links, 7220);
    assert_eq!(s.links_by_route.get("DdfAdmxBacked"), Some(&2498));
    assert_eq!(s.links_by_route.get("DdfGpMapping"), Some(&574));
    // Renamed or moved policies found through the registry value, element or file they moved to.
    assert_eq!(s.links_by_route.get("DdfGpMappingRenamed"), Some(&31));
    assert_eq!(s.links_by_route.get("CatalogKeywords"), Some(&1770));
    // Chrome joins since its category chain is compared without google.admx's root (410 more).
    assert_eq!(s.links_by_route.get("CatalogIngested"), Some(&4076));
    // BitLocker, LAPS and (11) Windows Hello for Business rows name an ADMX policy.
    assert_eq!(s.links_by_route.get("Curated"), Some(&45));
    // mapping-notes counts 1,804 agreements; the keywords route as specified here (name equal and
    // the policy key among the keywords) finds 1,758: some ADMX definitions carry no key keyword.
    assert_eq!(s.ddf_and_keywords_agree, 1758);
    assert_eq!(s.ddf_and_keywords_disagree, 0);
    assert_eq!(s.admx_backed_nodes, 2501);
    assert_eq!(s.admx_backed_nodes_to_policy, 2498);
    assert_eq!(s.admx_backed_nodes_to_definition, 2486);
    assert_eq!(s.admx_backed_uris_without_definition.len(), 14);
    assert!(
        s.admx_backed_uris_without_definition
            .contains(&"Policy/Config/ADMX_TerminalServer/TS_UIA".to_string())
    );
    assert_eq!(s.links_superseded_by_curated, 1);
    // Office roots Intune marks "(Deprecated)", whose current `_v2` twin is linked instead (32),
    // and native roots it names "[Deprecated] …" (12).
    assert_eq!(s.policy_config_definitions_deprecated, 44);
    assert_eq!(s.curated_rows_by_evidence.get("full"), Some(&198));
}

#[test]
fn cli_lookup_and_stats_read_the_embedded_catalog() {
    let gpa = env!("CARGO_BIN_EXE_gpa");
    let out = Command::new(gpa)
        .args(["catalog", "lookup", "HKLM\\Software\\Policies\\Microsoft\\Windows\\WcmSvc\\GroupPolicy\\fMinimizeConnections"])
        .output();
    let Ok(out) = out else {
        panic!("cannot run gpa");
    };
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections"));
    assert!(text.contains("[DdfAdmxBacked, CatalogKeywords]"));

    let out = Command::new(gpa)
        .args([
            "--catalog",
            &committed_dir().to_string_lossy(),
            "catalog",
            "stats",
        ])
        .output();
    assert!(out.is_ok_and(|o| {
        o.status.success()
            && String::from_utf8_lossy(&o.stdout)
                .contains("DDF AdmxBacked and catalog keywords agree")
    }));

    let out = Command::new(gpa)
        .args(["catalog", "--catalog", "/nonexistent-gpa-catalog", "stats"])
        .output();
    assert!(out.is_ok_and(|o| o.status.code() == Some(2)));
    assert!(Path::new(gpa).exists());
}

#[test]
fn truncated_embedded_catalog_is_an_error() {
    let bytes = Catalog::embedded_bytes();
    for cut in [0, 5, 14, 18, 1000, bytes.len() / 3, bytes.len() - 1] {
        let part = bytes.get(..cut).unwrap_or_default();
        assert!(Catalog::from_bytes(part).is_err(), "cut at {cut}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Bit flips, cuts and random bytes in a small catalog file never panic.
    #[test]
    fn damaged_catalog_files_never_panic(
        flips in proptest::collection::vec((0usize..4096, 0u8..8), 0..8),
        cut in proptest::option::of(0usize..4096),
        noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
    ) {
        let mut bytes = Catalog::default().to_bytes().unwrap_or_default();
        let len = bytes.len();
        for (at, bit) in flips {
            if let Some(b) = bytes.get_mut(at % len.max(1)) {
                *b ^= 1 << bit;
            }
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % (len + 1));
        }
        let _ = Catalog::from_bytes(&bytes);
        let mut with_noise = b"gpa-catalog 2\n".to_vec();
        with_noise.extend(&noise);
        let _ = Catalog::from_bytes(&with_noise);
    }
}

#[test]
fn policies_backed_by_two_ddf_nodes_are_not_disagreements() {
    let c = catalog();
    let mut by_policy: std::collections::BTreeMap<(usize, Scope), Vec<&CatalogLink>> =
        std::collections::BTreeMap::new();
    for link in c.links() {
        if link.has_route(Route::DdfAdmxBacked) {
            by_policy
                .entry((link.policy, link.scope))
                .or_default()
                .push(link);
        }
    }
    let mut doubled: Vec<String> = by_policy
        .iter()
        .filter(|(_, links)| links.len() == 2)
        .filter_map(|((p, scope), links)| {
            assert!(
                links
                    .iter()
                    .all(|l| l.disagrees_with.is_empty() || l.superseded_by_curated),
                "{links:#?}"
            );
            c.admx()
                .policy(*p)
                .map(|p| format!("{:?} {}:{}", scope, p.file_base, p.name))
        })
        .collect();
    doubled.sort();
    doubled.dedup();
    // mapping-notes: 6 policies are backed by an ADMX_ node and a native node; the seventh is the
    // BitLocker node whose DDF AdmxBacked names the wrong policy (superseded by curated rows).
    assert_eq!(
        doubled,
        [
            "Device RemovableStorage:WPDDevices_DenyRead_Access_2",
            "Device RemovableStorage:WPDDevices_DenyWrite_Access_2",
            "Device VolumeEncryption:RDVDenyWriteAccess_Name",
            "Device W32Time:W32TIME_POLICY_CONFIGURE_NTPCLIENT",
            "Device W32Time:W32TIME_POLICY_ENABLE_NTPCLIENT",
            "User RemovableStorage:WPDDevices_DenyRead_Access_1",
            "User RemovableStorage:WPDDevices_DenyWrite_Access_1",
        ]
    );
}
