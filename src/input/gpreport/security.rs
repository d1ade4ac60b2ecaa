//! Security Settings (`…/Settings/Security`, formats.md §1.8) and Advanced Audit
//! (`…/Settings/Auditing`, §1.9). Identities are those the GptTmpl.inf and audit.csv readers give.

use super::{BASE_NS, Collector, Labels, child_properties, parse_bool};
use crate::input::accounts;
use crate::input::xml::Element;
use crate::model::{Hive, Principal, Property, SettingId, SettingKind, SettingValue};

pub(super) fn read_security(extension: &Element, cx: &mut Collector<'_>) {
    for child in &extension.children {
        if child.ns == BASE_NS {
            continue;
        }
        match child.name.as_str() {
            "Account" => read_account(child, cx),
            "SecurityOptions" => read_security_option(child, cx),
            "UserRightsAssignment" => read_user_right(child, cx),
            "Audit" => read_legacy_audit(child, cx),
            "EventLog" => read_event_log(child, cx),
            "RestrictedGroups" => read_restricted_group(child, cx),
            "SystemServices" => read_service(child, cx),
            "File" => read_permission(child, SettingKind::FilePermission, cx),
            "Registry" => read_permission(child, SettingKind::RegistryPermission, cx),
            "Blocked" => {}
            _ => cx.unknown_element(child),
        }
    }
}

fn template(section: &str, name: &str) -> SettingId {
    SettingId::SecurityTemplate {
        section: section.to_string(),
        name: name.to_string(),
    }
}

/// `SettingNumber`, `SettingBoolean`, `SettingString` or `SettingStrings`, whichever is present.
fn setting_value(e: &Element) -> SettingValue {
    if let Some(n) = e.child_text("SettingNumber") {
        if let Ok(value) = n.parse::<i64>() {
            return SettingValue::Number { value };
        }
        return SettingValue::Text {
            value: n.to_string(),
        };
    }
    if let Some(b) = e.child_text("SettingBoolean") {
        return match parse_bool(b) {
            Some(value) => SettingValue::Boolean { value },
            None => SettingValue::Text {
                value: b.to_string(),
            },
        };
    }
    if let Some(s) = e.child_text("SettingString") {
        // GPMC shows the INF data as written, quotes included; the template reader strips one
        // pair, and both must give the same value.
        let unquoted = s
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or(s);
        return SettingValue::Text {
            value: unquoted.to_string(),
        };
    }
    if let Some(list) = e.child("SettingStrings") {
        return SettingValue::TextList {
            values: list
                .children
                .iter()
                .map(|v| v.text.trim().to_string())
                .collect(),
        };
    }
    SettingValue::None
}

fn read_account(account: &Element, cx: &mut Collector<'_>) {
    let Some(name) = account.child_text("Name").filter(|n| !n.is_empty()) else {
        cx.unknown_element(account);
        return;
    };
    let section = match account.child_text("Type").unwrap_or_default() {
        "Password" | "Account Lockout" => "System Access",
        "Kerberos" => "Kerberos Policy",
        other => {
            cx.note(format!("Account '{name}' has an unknown Type '{other}'"));
            other
        }
    };
    cx.push(
        account,
        SettingKind::AccountPolicy,
        template(section, name),
        setting_value(account),
        Labels::default(),
    );
}

fn read_security_option(option: &Element, cx: &mut Collector<'_>) {
    let id = if let Some(key_name) = option.child_text("KeyName") {
        key_name_id(key_name)
    } else if let Some(name) = option.child_text("SystemAccessPolicyName") {
        template("System Access", name)
    } else {
        cx.unknown_element(option);
        return;
    };
    let display = option.child("Display");
    cx.push(
        option,
        SettingKind::SecurityOption,
        id,
        setting_value(option),
        Labels {
            display_name: super::non_empty(display.and_then(|d| d.child_text("Name"))),
            category: None,
            display_value: display.and_then(display_value),
        },
    );
}

/// `MACHINE\System\…\Lsa\NoLMHash` → `Registry { HKLM, "System\…\Lsa", "NoLMHash" }`, as the
/// GptTmpl `[Registry Values]` reader does. A path with no known root stays a template key.
fn key_name_id(key_name: &str) -> SettingId {
    let (hive, rest) = if let Some(rest) = strip_prefix_ignore_case(key_name, "MACHINE\\") {
        (Hive::Hklm, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(key_name, "USER\\") {
        (Hive::Hkcu, rest)
    } else {
        return template("Registry Values", key_name);
    };
    let (key, value_name) = rest.rsplit_once('\\').unwrap_or(("", rest));
    SettingId::Registry {
        hive,
        key: key.to_string(),
        value_name: value_name.to_string(),
    }
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn display_value(display: &Element) -> Option<String> {
    for simple in ["DisplayBoolean", "DisplayString", "DisplayNumber"] {
        if let Some(text) = display.child_text(simple) {
            return Some(text.to_string());
        }
    }
    if let Some(list) = display.child("DisplayStrings") {
        let values: Vec<&str> = list.children.iter().map(|v| v.text.trim()).collect();
        return Some(values.join("; "));
    }
    if let Some(fields) = display.child("DisplayFields") {
        let values: Vec<String> = fields
            .children
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    f.child_text("Name").unwrap_or_default(),
                    f.child_text("Value").unwrap_or_default()
                )
            })
            .collect();
        return Some(values.join("; "));
    }
    None
}

/// A member as the report gives it. Reports often give a name only (`Administrators`, `LOCAL
/// SERVICE`): a well-known one gets its SID here, as the security template would give it.
fn principal(e: &Element) -> Principal {
    let name = super::non_empty(e.child_text("Name"));
    let sid = super::non_empty(e.child_text("SID"))
        .or_else(|| name.as_deref().and_then(accounts::well_known_sid));
    Principal { sid, name }
}

fn read_user_right(right: &Element, cx: &mut Collector<'_>) {
    let Some(name) = right.child_text("Name").filter(|n| !n.is_empty()) else {
        cx.unknown_element(right);
        return;
    };
    let members = right.children_named("Member").map(principal).collect();
    cx.push(
        right,
        SettingKind::UserRight,
        template("Privilege Rights", name),
        SettingValue::Principals { members },
        Labels::default(),
    );
}

fn read_legacy_audit(audit: &Element, cx: &mut Collector<'_>) {
    let Some(name) = audit.child_text("Name").filter(|n| !n.is_empty()) else {
        cx.unknown_element(audit);
        return;
    };
    let flag = |child| {
        audit
            .child_text(child)
            .and_then(parse_bool)
            .unwrap_or(false)
    };
    let (success, failure) = (flag("SuccessAttempts"), flag("FailureAttempts"));
    cx.push(
        audit,
        SettingKind::LegacyAudit,
        template("Event Audit", name),
        SettingValue::Audit {
            success,
            failure,
            // The GptTmpl encoding of the two flags (1 success, 2 failure), so both sources compare.
            raw: (u8::from(success) | (u8::from(failure) << 1)).to_string(),
        },
        Labels::default(),
    );
}

fn read_event_log(log: &Element, cx: &mut Collector<'_>) {
    let (Some(name), Some(which)) = (log.child_text("Name"), log.child_text("Log")) else {
        cx.unknown_element(log);
        return;
    };
    cx.push(
        log,
        SettingKind::EventLog,
        template(&format!("{which} Log"), name),
        setting_value(log),
        Labels::default(),
    );
}

fn read_restricted_group(group: &Element, cx: &mut Collector<'_>) {
    let Some(group_name) = group.child("GroupName").map(principal) else {
        cx.unknown_element(group);
        return;
    };
    let display = group_name.name.clone().or_else(|| group_name.sid.clone());
    cx.push(
        group,
        SettingKind::RestrictedGroup,
        SettingId::Group {
            sid: group_name.sid,
            name: group_name.name,
        },
        SettingValue::GroupMembership {
            members: group.children_named("Member").map(principal).collect(),
            member_of: group.children_named("Memberof").map(principal).collect(),
        },
        Labels {
            display_name: display,
            ..Labels::default()
        },
    );
}

/// Startup mode and permissions, named as the GptTmpl reader names them: the report's
/// `StartupMode` text (`Automatic`, `Manual`, `Disabled`) becomes the `StartType` number
/// (2, 3, 4) with its `StartTypeName`, and the SDDL the `SecurityDescriptor`, so a report and a
/// backup give the same service value and convert alike.
fn service_properties(e: &Element) -> Vec<Property> {
    let mut properties = Vec::new();
    for child in e.children.iter().filter(|c| c.ns != BASE_NS) {
        match child.name.as_str() {
            "Name" | "Path" => {}
            "StartupMode" if start_type(child.text.trim()).is_some() => {
                let mode = child.text.trim();
                properties.push(Property {
                    name: "StartType".to_string(),
                    value: start_type(mode).unwrap_or_default().to_string(),
                });
                properties.push(Property {
                    name: "StartTypeName".to_string(),
                    value: mode.to_string(),
                });
            }
            "SecurityDescriptor" => {
                if let Some(sddl) = child.child_text("SDDL") {
                    properties.push(Property {
                        name: "SecurityDescriptor".to_string(),
                        value: sddl.to_string(),
                    });
                }
            }
            _ => properties.push(Property {
                name: child.name.clone(),
                value: child.text.trim().to_string(),
            }),
        }
    }
    properties
}

/// The SERVICE_*_START code (winsvc.h) of a startup mode as GPMC writes it.
fn start_type(mode: &str) -> Option<u8> {
    match mode {
        "Automatic" => Some(2),
        "Manual" => Some(3),
        "Disabled" => Some(4),
        _ => None,
    }
}

fn read_service(service: &Element, cx: &mut Collector<'_>) {
    let Some(name) = service.child_text("Name").filter(|n| !n.is_empty()) else {
        cx.unknown_element(service);
        return;
    };
    cx.push(
        service,
        SettingKind::Service,
        SettingId::Service {
            name: name.to_string(),
        },
        SettingValue::Properties {
            properties: service_properties(service),
        },
        Labels {
            display_value: super::non_empty(service.child_text("StartupMode")),
            ..Labels::default()
        },
    );
}

fn read_permission(entry: &Element, kind: SettingKind, cx: &mut Collector<'_>) {
    let Some(path) = entry.child_text("Path").filter(|p| !p.is_empty()) else {
        cx.unknown_element(entry);
        return;
    };
    cx.push(
        entry,
        kind,
        SettingId::Path {
            path: path.to_string(),
        },
        SettingValue::Properties {
            properties: service_properties(entry),
        },
        Labels::default(),
    );
}

pub(super) fn read_auditing(extension: &Element, cx: &mut Collector<'_>) {
    for child in &extension.children {
        if child.ns == BASE_NS || child.name == "Blocked" {
            continue;
        }
        if child.name == "AuditSetting" {
            read_audit_setting(child, cx);
            continue;
        }
        // Audit options and global SACLs: no sample in the corpus, so the shape is unverified.
        // They are keyed by their Name (or element name) and kept whole.
        let name = child
            .child_text("Name")
            .or_else(|| child.child_text("OptionName"))
            .filter(|n| !n.is_empty())
            .unwrap_or(&child.name)
            .to_string();
        cx.note(format!(
            "audit element <{}> read as audit option '{name}' (shape unverified)",
            child.name
        ));
        cx.push(
            child,
            SettingKind::AuditOption,
            SettingId::AuditOption { name },
            SettingValue::Properties {
                properties: child_properties(child),
            },
            Labels::default(),
        );
    }
}

fn read_audit_setting(setting: &Element, cx: &mut Collector<'_>) {
    let Some(guid) = setting
        .child_text("SubcategoryGuid")
        .filter(|g| !g.is_empty())
    else {
        cx.unknown_element(setting);
        return;
    };
    let guid = format!(
        "{{{}}}",
        guid.trim_start_matches('{')
            .trim_end_matches('}')
            .to_ascii_lowercase()
    );
    let raw = setting.child_text("SettingValue").unwrap_or_default();
    let bits = raw.parse::<u32>().unwrap_or(0);
    cx.push(
        setting,
        SettingKind::AdvancedAudit,
        SettingId::AuditSubcategory { guid },
        SettingValue::Audit {
            success: bits & 1 != 0,
            failure: bits & 2 != 0,
            raw: raw.to_string(),
        },
        Labels::named(setting.child_text("SubcategoryName")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::gpreport::parse;
    use crate::model::{Gpo, Setting};

    fn computer_extension(ns: &str, payload: &str) -> Gpo {
        let doc = format!(
            r#"<GPO xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Settings"><Name>T</Name><Computer><Enabled>true</Enabled>
            <ExtensionData><Extension xmlns:q1="http://www.microsoft.com/GroupPolicy/Settings/{ns}" xmlns:t="http://www.microsoft.com/GroupPolicy/Types" xsi:type="q1:X">{payload}</Extension><Name>{ns}</Name></ExtensionData></Computer></GPO>"#
        );
        parse(&doc, "t.xml").unwrap().remove(0)
    }

    fn by_id<'g>(gpo: &'g Gpo, id: &SettingId) -> &'g Setting {
        gpo.settings.iter().find(|s| &s.id == id).unwrap()
    }

    #[test]
    fn security_sections_get_template_ids() {
        let gpo = computer_extension(
            "Security",
            r#"<q1:Account><q1:Name>LockoutBadCount</q1:Name><q1:SettingNumber>10</q1:SettingNumber><q1:Type>Account Lockout</q1:Type></q1:Account>
            <q1:Account><q1:Name>MaxClockSkew</q1:Name><q1:SettingNumber>5</q1:SettingNumber><q1:Type>Kerberos</q1:Type></q1:Account>
            <q1:SecurityOptions><q1:SystemAccessPolicyName>EnableGuestAccount</q1:SystemAccessPolicyName><q1:SettingNumber>0</q1:SettingNumber></q1:SecurityOptions>
            <q1:SecurityOptions><q1:KeyName>MACHINE\X\Paths</q1:KeyName><q1:SettingStrings><q1:Value>a</q1:Value><q1:Value>b</q1:Value></q1:SettingStrings>
              <q1:Display><q1:Name>Paths</q1:Name><q1:DisplayStrings><q1:Value>a</q1:Value><q1:Value>b</q1:Value></q1:DisplayStrings></q1:Display></q1:SecurityOptions>
            <q1:UserRightsAssignment><q1:Name>SeDenyNetworkLogonRight</q1:Name><q1:Member><t:Name>BUILTIN\Guests</t:Name><t:SID>S-1-5-32-546</t:SID></q1:Member><q1:Member><t:Name>Local account</t:Name></q1:Member></q1:UserRightsAssignment>
            <q1:Audit><q1:Name>AuditLogonEvents</q1:Name><q1:SuccessAttempts>true</q1:SuccessAttempts><q1:FailureAttempts>true</q1:FailureAttempts></q1:Audit>
            <q1:EventLog><q1:Name>MaximumLogSize</q1:Name><q1:SettingNumber>196608</q1:SettingNumber><q1:Log>Security</q1:Log></q1:EventLog>
            <q1:Mystery/>"#,
        );
        let lockout = by_id(&gpo, &template("System Access", "LockoutBadCount"));
        assert_eq!(lockout.kind, SettingKind::AccountPolicy);
        assert_eq!(lockout.value, SettingValue::Number { value: 10 });
        by_id(&gpo, &template("Kerberos Policy", "MaxClockSkew"));
        let guest = by_id(&gpo, &template("System Access", "EnableGuestAccount"));
        assert_eq!(guest.kind, SettingKind::SecurityOption);
        let paths = by_id(
            &gpo,
            &SettingId::Registry {
                hive: Hive::Hklm,
                key: "X".into(),
                value_name: "Paths".into(),
            },
        );
        assert_eq!(
            paths.value,
            SettingValue::TextList {
                values: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(paths.display_value.as_deref(), Some("a; b"));
        let right = by_id(
            &gpo,
            &template("Privilege Rights", "SeDenyNetworkLogonRight"),
        );
        let SettingValue::Principals { members } = &right.value else {
            panic!("no principals")
        };
        assert_eq!(members[0].sid.as_deref(), Some("S-1-5-32-546"));
        // Named only in the report: the well-known account gets its SID.
        assert_eq!(
            members[1],
            Principal {
                sid: Some("S-1-5-113".into()),
                name: Some("Local account".into())
            }
        );
        let audit = by_id(&gpo, &template("Event Audit", "AuditLogonEvents"));
        assert_eq!(
            audit.value,
            SettingValue::Audit {
                success: true,
                failure: true,
                raw: "3".into()
            }
        );
        by_id(&gpo, &template("Security Log", "MaximumLogSize"));
        assert_eq!(gpo.settings.len(), 7);
        assert_eq!(
            gpo.notes.len(),
            1,
            "the unknown element is noted: {:?}",
            gpo.notes
        );
    }

    #[test]
    fn service_startup_mode_becomes_the_start_type_a_template_gives() {
        let gpo = computer_extension(
            "Security",
            r#"<q1:SystemServices><q1:Name>XblGameSave</q1:Name><q1:StartupMode>Disabled</q1:StartupMode><q1:SecurityDescriptor><t:PermissionsPresent>false</t:PermissionsPresent></q1:SecurityDescriptor></q1:SystemServices>
            <q1:SystemServices><q1:Name>WinRM</q1:Name><q1:StartupMode>Automatic</q1:StartupMode><q1:SecurityDescriptor><t:SDDL>D:(A;;CC;;;BA)</t:SDDL></q1:SecurityDescriptor></q1:SystemServices>"#,
        );
        let property = |name: &str, service: &str| {
            let s = by_id(
                &gpo,
                &SettingId::Service {
                    name: service.into(),
                },
            );
            let SettingValue::Properties { properties } = &s.value else {
                panic!("{:?}", s.value)
            };
            properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.value.clone())
        };
        assert_eq!(property("StartType", "XblGameSave").as_deref(), Some("4"));
        assert_eq!(
            property("StartTypeName", "XblGameSave").as_deref(),
            Some("Disabled")
        );
        assert_eq!(property("SecurityDescriptor", "XblGameSave"), None);
        assert_eq!(property("StartType", "WinRM").as_deref(), Some("2"));
        assert_eq!(
            property("SecurityDescriptor", "WinRM").as_deref(),
            Some("D:(A;;CC;;;BA)")
        );
    }

    #[test]
    fn audit_subcategories_and_firewall() {
        let gpo = computer_extension(
            "Auditing",
            "<q1:AuditSetting><q1:SubcategoryName>Audit Credential Validation</q1:SubcategoryName><q1:SubcategoryGuid>{0CCE923F-69AE-11D9-BED3-505054503030}</q1:SubcategoryGuid><q1:SettingValue>2</q1:SettingValue></q1:AuditSetting>",
        );
        assert_eq!(
            gpo.settings[0].id,
            SettingId::AuditSubcategory {
                guid: "{0cce923f-69ae-11d9-bed3-505054503030}".into()
            }
        );
        assert_eq!(
            gpo.settings[0].value,
            SettingValue::Audit {
                success: false,
                failure: true,
                raw: "2".into()
            }
        );
        let gpo = computer_extension(
            "WindowsFirewall",
            "<q1:GlobalSettings><q1:PolicyVersion><q1:Value>538</q1:Value></q1:PolicyVersion></q1:GlobalSettings>
             <q1:PublicProfile><q1:EnableFirewall><q1:Value>true</q1:Value></q1:EnableFirewall></q1:PublicProfile>
             <q1:OutboundFirewallRules><q1:Version>2.30</q1:Version><q1:Action>Block</q1:Action><q1:Name>No telnet</q1:Name><q1:RPort>23</q1:RPort></q1:OutboundFirewallRules>",
        );
        let ids: Vec<&SettingId> = gpo.settings.iter().map(|s| &s.id).collect();
        assert_eq!(
            ids,
            [
                &SettingId::FirewallSetting {
                    profile: "Global".into(),
                    name: "PolicyVersion".into()
                },
                &SettingId::FirewallSetting {
                    profile: "Public".into(),
                    name: "EnableFirewall".into()
                },
                &SettingId::FirewallRule {
                    id: "No telnet".into()
                },
            ]
        );
        assert_eq!(
            gpo.settings[1].value,
            SettingValue::Text {
                value: "true".into()
            }
        );
    }

    #[test]
    fn key_names_become_registry_ids() {
        assert_eq!(
            key_name_id("MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\NoLMHash"),
            SettingId::Registry {
                hive: Hive::Hklm,
                key: "System\\CurrentControlSet\\Control\\Lsa".into(),
                value_name: "NoLMHash".into()
            }
        );
        assert_eq!(
            key_name_id("Odd"),
            SettingId::SecurityTemplate {
                section: "Registry Values".into(),
                name: "Odd".into()
            }
        );
        assert!(strip_prefix_ignore_case("MACHIN", "MACHINE\\").is_none());
        assert!(strip_prefix_ignore_case("é\\x", "MACHINE\\").is_none());
    }
}
