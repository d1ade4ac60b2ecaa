//! Windows Firewall with Advanced Security (`…/Settings/WindowsFirewall`), formats.md §1.10.

use super::{BASE_NS, Collector, Labels, child_properties};
use crate::input::xml::Element;
use crate::model::{SettingId, SettingKind, SettingValue};

pub(super) fn read(extension: &Element, cx: &mut Collector<'_>) {
    for child in &extension.children {
        if child.ns == BASE_NS {
            continue;
        }
        match child.name.as_str() {
            "GlobalSettings" => read_profile(child, "Global", cx),
            "DomainProfile" => read_profile(child, "Domain", cx),
            "PrivateProfile" => read_profile(child, "Private", cx),
            "PublicProfile" => read_profile(child, "Public", cx),
            "InboundFirewallRules" | "OutboundFirewallRules" => {
                read_rule(child, SettingKind::FirewallRule, cx);
            }
            "ConnectionSecurityRules" => read_rule(child, SettingKind::ConnectionSecurityRule, cx),
            "Blocked" => {}
            _ => cx.unknown_element(child),
        }
    }
}

/// Each profile setting is its own element holding a `Value` (and, in RSoP, the winning GPO).
fn read_profile(profile: &Element, name: &str, cx: &mut Collector<'_>) {
    for setting in profile.children.iter().filter(|c| c.ns != BASE_NS) {
        let value = match setting.child("Value") {
            Some(v) if v.children.is_empty() => SettingValue::Text {
                value: v.text.trim().to_string(),
            },
            _ => SettingValue::Properties {
                properties: child_properties(setting),
            },
        };
        let (value, display_value) = default_action(&setting.name, value);
        cx.push(
            setting,
            SettingKind::FirewallProfile,
            SettingId::FirewallSetting {
                profile: name.to_string(),
                name: setting.name.clone(),
            },
            value,
            Labels {
                display_value,
                ..Labels::default()
            },
        );
    }
}

/// A profile's default inbound or outbound action: the report writes `true` for Block and
/// `false` for Allow, where registry.pol holds the DWORD the Firewall CSP takes (1 Block, 0
/// Allow); the report's value becomes that number, so both sources match and convert alike.
fn default_action(name: &str, value: SettingValue) -> (SettingValue, Option<String>) {
    if !matches!(name, "DefaultInboundAction" | "DefaultOutboundAction") {
        return (value, None);
    }
    let block = match &value {
        SettingValue::Text { value } => super::parse_bool(value),
        _ => None,
    };
    match block {
        Some(block) => (
            SettingValue::Number {
                value: i64::from(block),
            },
            Some(if block { "Block" } else { "Allow" }.to_string()),
        ),
        None => (value, None),
    }
}

/// One element per rule; every child is kept in order as a property (`Profile` may repeat).
fn read_rule(rule: &Element, kind: SettingKind, cx: &mut Collector<'_>) {
    let Some(name) = rule.child_text("Name").filter(|n| !n.is_empty()) else {
        cx.unknown_element(rule);
        return;
    };
    cx.push(
        rule,
        kind,
        SettingId::FirewallRule {
            id: name.to_string(),
        },
        SettingValue::Properties {
            properties: child_properties(rule),
        },
        Labels::named(Some(name)),
    );
}
