//! The smaller extensions of formats.md §1.11 and the corpus: Public Key, Scripts, Software
//! Installation, Folder Redirection, Name Resolution Policy and AppLocker (SRPV2).

use super::{BASE_NS, Collector, Labels, child_properties};
use crate::input::xml::Element;
use crate::model::{Property, SettingId, SettingKind, SettingValue};

fn is_payload(e: &Element) -> bool {
    e.ns != BASE_NS && e.name != "Blocked"
}

pub(super) fn read_public_key(extension: &Element, cx: &mut Collector<'_>) {
    for child in extension.children.iter().filter(|c| is_payload(c)) {
        if child.child("IssuedTo").is_some() {
            read_certificate(child, cx);
        } else {
            cx.push(
                child,
                SettingKind::PublicKeyPolicy,
                SettingId::Named {
                    extension: "PublicKey".to_string(),
                    name: child.name.clone(),
                },
                SettingValue::Properties {
                    properties: child_properties(child),
                },
                Labels::default(),
            );
        }
    }
}

/// `RootCertificate`, `IntermediateCACertificate`, `EFSRecoveryAgent`, …: the store is the
/// element name. The report has no thumbprint element, but `Data` is the certificate store's
/// serialized form, whose property 3 (CERT_SHA1_HASH_PROP_ID) is the thumbprint, the same one
/// that names the registry key of the certificate in registry.pol.
fn read_certificate(cert: &Element, cx: &mut Collector<'_>) {
    let issued_to = cert.child_text("IssuedTo").unwrap_or_default();
    let thumbprint = cert.child_text("Data").and_then(thumbprint_of_blob);
    let mut properties = child_properties(cert);
    if let Some(t) = &thumbprint {
        properties.push(Property {
            name: "Thumbprint".to_string(),
            value: t.clone(),
        });
    }
    cx.push(
        cert,
        SettingKind::Certificate,
        SettingId::Certificate {
            store: cert.name.clone(),
            id: thumbprint.unwrap_or_else(|| issued_to.to_string()),
        },
        SettingValue::Properties { properties },
        Labels::named(Some(issued_to)),
    );
}

/// The SHA-1 thumbprint (upper-case hex) stored in a serialized certificate blob given as hex.
/// The blob is a run of `{ property id: u32, reserved: u32, length: u32, bytes }` records.
pub(crate) fn thumbprint_of_blob(hex: &str) -> Option<String> {
    let bytes = decode_hex(hex.trim())?;
    let mut offset = 0usize;
    loop {
        let header = bytes.get(offset..offset.checked_add(12)?)?;
        let word = |i: usize| -> Option<u32> {
            Some(u32::from_le_bytes(header.get(i..i + 4)?.try_into().ok()?))
        };
        let (id, length) = (word(0)?, usize::try_from(word(8)?).ok()?);
        let start = offset + 12;
        let data = bytes.get(start..start.checked_add(length)?)?;
        if id == 3 && length == 20 {
            return Some(data.iter().map(|b| format!("{b:02X}")).collect());
        }
        offset = start + length;
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(super) fn read_scripts(extension: &Element, cx: &mut Collector<'_>) {
    for child in extension.children.iter().filter(|c| is_payload(c)) {
        let trigger = child.child_text("Type").unwrap_or_default();
        let order = child
            .child_text("Order")
            .and_then(|o| o.parse::<u32>().ok());
        let (true, false, Some(order)) = (child.name == "Script", trigger.is_empty(), order) else {
            cx.unknown_element(child);
            continue;
        };
        cx.push(
            child,
            SettingKind::Script,
            SettingId::Script {
                trigger: trigger.to_string(),
                order,
            },
            SettingValue::Properties {
                properties: child_properties(child),
            },
            Labels::named(child.child_text("Command")),
        );
    }
}

pub(super) fn read_software_installation(extension: &Element, cx: &mut Collector<'_>) {
    for child in extension.children.iter().filter(|c| is_payload(c)) {
        let Some(name) = child
            .child_text("Name")
            .filter(|_| child.name == "MsiApplication")
        else {
            cx.unknown_element(child);
            continue;
        };
        cx.push(
            child,
            SettingKind::SoftwarePackage,
            SettingId::SoftwarePackage {
                product_id: super::non_empty(child.child_text("ProductId")),
                name: name.to_string(),
            },
            SettingValue::Properties {
                properties: child_properties(child),
            },
            Labels::named(Some(name)),
        );
    }
}

pub(super) fn read_folder_redirection(extension: &Element, cx: &mut Collector<'_>) {
    for child in extension.children.iter().filter(|c| is_payload(c)) {
        let Some(id) = child
            .child_text("Id")
            .filter(|i| !i.is_empty() && child.name == "Folder")
        else {
            cx.unknown_element(child);
            continue;
        };
        cx.push(
            child,
            SettingKind::FolderRedirection,
            SettingId::KnownFolder { id: id.to_string() },
            SettingValue::Properties {
                properties: child_properties(child),
            },
            Labels::default(),
        );
    }
}

fn is_nil(e: &Element) -> bool {
    e.attrs.iter().any(|a| {
        a.name == "nil" && a.ns == "http://www.w3.org/2001/XMLSchema-instance" && a.value == "true"
    })
}

/// `Global` options (`xsi:nil` ones are not configured) and rules. Only `Global` is in the corpus,
/// so a rule is keyed by its `Name` child or attribute, else by its position.
pub(super) fn read_nrpt(extension: &Element, cx: &mut Collector<'_>) {
    let mut position = 0usize;
    for child in extension.children.iter().filter(|c| is_payload(c)) {
        if child.name == "Global" {
            for option in child
                .children
                .iter()
                .filter(|c| c.ns != BASE_NS && !is_nil(c))
            {
                cx.push(
                    option,
                    SettingKind::NameResolutionPolicy,
                    SettingId::Named {
                        extension: "nrpt".to_string(),
                        name: format!("Global/{}", option.name),
                    },
                    SettingValue::Properties {
                        properties: child_properties(option),
                    },
                    Labels::default(),
                );
            }
            continue;
        }
        let name = child
            .child_text("Name")
            .or_else(|| child.attr("Name"))
            .filter(|n| !n.is_empty())
            .map_or_else(|| format!("{}[{position}]", child.name), str::to_string);
        position += 1;
        cx.push(
            child,
            SettingKind::NameResolutionPolicy,
            SettingId::Named {
                extension: "nrpt".to_string(),
                name,
            },
            SettingValue::Properties {
                properties: child_properties(child),
            },
            Labels::default(),
        );
    }
}

/// `RuleCollection Type="Exe|Msi|Script|Dll|Appx"` holding `File*Rule Id=…` elements and an
/// `EnforcementMode`, which is kept under the rule id `EnforcementMode`.
pub(super) fn read_applocker(extension: &Element, cx: &mut Collector<'_>) {
    for collection in extension.children.iter().filter(|c| is_payload(c)) {
        let Some(kind) = collection
            .attr("Type")
            .filter(|_| collection.name == "RuleCollection")
        else {
            cx.unknown_element(collection);
            continue;
        };
        for rule in collection.children.iter().filter(|c| c.ns != BASE_NS) {
            let (id, value, labels) = if rule.name == "EnforcementMode" {
                (
                    "EnforcementMode",
                    SettingValue::Text {
                        value: rule.child_text("Mode").unwrap_or_default().to_string(),
                    },
                    Labels::default(),
                )
            } else if let Some(id) = rule.attr("Id") {
                let mut properties: Vec<Property> = rule
                    .attrs
                    .iter()
                    .map(|a| Property {
                        name: format!("@{}", a.name),
                        value: a.value.clone(),
                    })
                    .collect();
                properties.insert(
                    0,
                    Property {
                        name: "RuleType".to_string(),
                        value: rule.name.clone(),
                    },
                );
                properties.extend(child_properties(rule));
                (
                    id,
                    SettingValue::Properties { properties },
                    Labels::named(rule.attr("Name")),
                )
            } else {
                cx.unknown_element(rule);
                continue;
            };
            cx.push(
                rule,
                SettingKind::AppLockerRule,
                SettingId::AppLockerRule {
                    collection: kind.to_string(),
                    id: id.to_string(),
                },
                value,
                labels,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_from_serialized_certificate() {
        // Two records: property 15 (16 bytes), then property 3 (the 20-byte SHA-1).
        let blob = "0F000000010000001000000012E7922A15E2F79A400119FD8C403E5F\
                    03000000010000001400000003611D56F253D39FDB51E192054FA8CE3006A844\
                    2000000001000000020000003082";
        assert_eq!(
            thumbprint_of_blob(blob).as_deref(),
            Some("03611D56F253D39FDB51E192054FA8CE3006A844")
        );
        assert_eq!(thumbprint_of_blob("0300000001000000FFFFFFFF"), None);
        assert_eq!(thumbprint_of_blob("zz"), None);
        assert_eq!(thumbprint_of_blob("é1"), None);
        assert_eq!(thumbprint_of_blob(""), None);
    }
}
