//! The security stage on the Microsoft Security Compliance Toolkit baseline for Windows 10 1909.

mod common;

use std::collections::BTreeMap;

use gpa::catalog::Catalog;
use gpa::input::discover::read_paths;
use gpa::matching::security::{SecurityMatches, match_security_settings};
use gpa::model::{Gpo, Hive, SettingId, SettingKind};

fn sct_1909_gpos(corpus: &std::path::Path) -> Vec<Gpo> {
    let outcome = read_paths(&[corpus.join("gpo-backups/msft-sct-windows10-1909/GPOs")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.gpos
}

fn find<'a>(gpos: &'a [Gpo], display_name: &str) -> &'a Gpo {
    gpos.iter()
        .find(|g| g.display_name == display_name)
        .unwrap_or_else(|| panic!("no GPO named {display_name}"))
}

/// The CSP URIs matched to the setting with this identity, in row order.
fn uris_for(gpo: &Gpo, result: &SecurityMatches, id: &SettingId) -> Vec<Option<String>> {
    result
        .matches
        .iter()
        .filter(|m| gpo.settings.get(m.setting).map(|s| &s.id) == Some(id))
        .map(|m| m.csp_uri.clone())
        .collect()
}

fn registry(key: &str, value_name: &str) -> SettingId {
    SettingId::Registry {
        hive: Hive::Hklm,
        key: key.into(),
        value_name: value_name.into(),
    }
}

fn template(section: &str, name: &str) -> SettingId {
    SettingId::SecurityTemplate {
        section: section.into(),
        name: name.into(),
    }
}

#[test]
fn windows_10_1909_computer_baseline_security_settings_all_map() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpos = sct_1909_gpos(&corpus);
    let gpo = find(&gpos, "MSFT Windows 10 1909 - Computer");
    let result = match_security_settings(gpo, Catalog::embedded().unwrap());

    let one = |uri: &str| vec![Some(uri.to_string())];
    assert_eq!(
        uris_for(
            gpo,
            &result,
            &registry("System\\CurrentControlSet\\Control\\Lsa", "NoLMHash")
        ),
        one(
            "./Device/Vendor/MSFT/Policy/Config/LocalPoliciesSecurityOptions/NetworkSecurity_DoNotStoreLANManagerHashValueOnNextPasswordChange"
        )
    );
    assert_eq!(
        uris_for(
            gpo,
            &result,
            &template("Privilege Rights", "SeNetworkLogonRight")
        ),
        one("./Device/Vendor/MSFT/Policy/Config/UserRights/AccessFromNetwork")
    );
    assert_eq!(
        uris_for(
            gpo,
            &result,
            &template("System Access", "LSAAnonymousNameLookup")
        ),
        one(
            "./Device/Vendor/MSFT/Policy/Config/LocalPoliciesSecurityOptions/NetworkAccess_AllowAnonymousSIDOrNameTranslation"
        )
    );
    assert_eq!(
        uris_for(
            gpo,
            &result,
            &SettingId::AuditSubcategory {
                guid: "{0cce923f-69ae-11d9-bed3-505054503030}".into()
            }
        ),
        one("./Device/Vendor/MSFT/Policy/Config/Audit/AccountLogon_AuditCredentialValidation")
    );
    assert_eq!(
        uris_for(
            gpo,
            &result,
            &registry(
                "Software\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile",
                "DefaultInboundAction"
            )
        ),
        one("./Vendor/MSFT/Firewall/MdmStore/PublicProfile/DefaultInboundAction")
    );

    let mut by_kind = BTreeMap::new();
    for m in &result.matches {
        *by_kind.entry(gpo.settings[m.setting].kind).or_insert(0) += 1;
    }
    eprintln!(
        "{}: {} settings, {} matches {by_kind:?}, {} uncovered",
        gpo.display_name,
        gpo.settings.len(),
        result.matches.len(),
        result.uncovered.len()
    );
    assert_eq!(gpo.settings.len(), 204);
    assert_eq!(
        by_kind,
        BTreeMap::from([
            (SettingKind::SecurityOption, 30),
            (SettingKind::UserRight, 23),
            (SettingKind::AdvancedAudit, 23),
            // The four Xbox services through the services table.
            (SettingKind::Service, 4),
            // 23 registry.pol values, and the report's 23 restatements of them by profile and name
            // (analyze keeps one row for each pair).
            (SettingKind::FirewallProfile, 46),
        ])
    );
    assert!(result.uncovered.is_empty(), "{:?}", result.uncovered);
    assert!(result.matches.iter().all(|m| m.csp_uri.is_some()));
    assert!(
        result
            .matches
            .windows(2)
            .all(|w| w[0].setting <= w[1].setting),
        "matches are in setting order"
    );
}

#[test]
fn sct_1909_gaps_are_reported_not_dropped() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpos = sct_1909_gpos(&corpus);
    let catalog = Catalog::embedded().unwrap();

    // The BitLocker baseline sets a DMA protection value that no curated row covers.
    let bitlocker = find(&gpos, "MSFT Windows 10 1909 - BitLocker");
    let result = match_security_settings(bitlocker, catalog);
    let uncovered: Vec<_> = result
        .uncovered
        .iter()
        .map(|&i| &bitlocker.settings[i].id)
        .collect();
    assert_eq!(
        uncovered,
        vec![&registry(
            "SOFTWARE\\Policies\\Microsoft\\FVE",
            "DisableExternalDMAUnderLock"
        )]
    );
    assert_eq!(result.matches.len(), 3);

    // LDAP server signing is a security option MDM has no node for: kept, with the reason.
    let dc = find(&gpos, "MSFT Windows Server 1909 - Domain Controller");
    let result = match_security_settings(dc, catalog);
    let ldap = registry(
        "System\\CurrentControlSet\\Services\\NTDS\\Parameters",
        "LDAPServerIntegrity",
    );
    let ldap_match = result
        .matches
        .iter()
        .find(|m| dc.settings[m.setting].id == ldap)
        .expect("LDAPServerIntegrity is matched");
    assert_eq!(ldap_match.csp_uri, None);
    assert!(
        ldap_match
            .note
            .as_deref()
            .unwrap_or("")
            .contains("no DDF node")
    );
    // With the services table, the DC's service startup modes are in this stage too: the ones the
    // SystemServices CSP has are matched, and AppIDSvc, which it lacks, is uncovered.
    assert_eq!((result.matches.len(), result.uncovered.len()), (98, 1));
    let uncovered: Vec<&SettingId> = result
        .uncovered
        .iter()
        .map(|&i| &dc.settings[i].id)
        .collect();
    assert!(uncovered.contains(&&SettingId::Service {
        name: "AppIDSvc".into()
    }));
}
