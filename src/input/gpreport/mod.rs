//! GPMC / Get-GPOReport XML and RSoP reports, formats.md §1.6–§1.11.
//!
//! Extensions are told apart by the namespace URI their `xsi:type` resolves to, never by prefix or
//! local type name: `RegistrySettings` is both the Administrative Templates extension
//! (`…/Settings/Registry`) and the GPP Registry extension (`…/Settings/Windows/Registry`).

mod admx;
mod firewall;
mod other;
mod rsop;
mod security;

use std::collections::HashMap;

use crate::input::preferences;
use crate::input::xml::{self, Element};
use crate::model::{
    Gpo, GpoLink, PreferenceType, Property, Scope, Setting, SettingId, SettingKind, SettingValue,
    Source, UnsupportedExtension,
};

pub(crate) const SETTINGS_NS: &str = "http://www.microsoft.com/GroupPolicy/Settings";
pub(crate) const BASE_NS: &str = "http://www.microsoft.com/GroupPolicy/Settings/Base";
pub(crate) const RSOP_NS: &str = "http://www.microsoft.com/GroupPolicy/Rsop";
const EXTENSION_NS_PREFIX: &str = "http://www.microsoft.com/GroupPolicy/Settings/";

/// Reads a decoded report: one `<GPO>`, any root holding many, or an `<Rsop>` report. Every
/// extension's settings land in `Gpo::settings` (ADMX policies as `SettingKind::AdmxPolicy`).
///
/// An RSoP report gives one [`Gpo`] per GPO that the report names as the source of at least one
/// setting (see [`rsop`]).
pub fn parse(text: &str, file: &str) -> Result<Vec<Gpo>, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    let index = ElementIndex::new(&root);
    if root.is(RSOP_NS, "Rsop") {
        return Ok(rsop::read(&root, file, &index));
    }
    let gpos: Vec<Gpo> = root
        .descendants()
        .into_iter()
        .filter(|e| e.is(SETTINGS_NS, "GPO"))
        .map(|gpo| read_gpo(gpo, file, &index))
        .collect();
    if gpos.is_empty() {
        return Err(format!(
            "no <GPO> element in namespace {SETTINGS_NS} (root element <{}>)",
            root.name
        ));
    }
    Ok(gpos)
}

/// Each element's 0-based position in document order, used as `Source::entry`.
pub(crate) struct ElementIndex(HashMap<usize, u32>);

impl ElementIndex {
    fn new(root: &Element) -> Self {
        let map = root
            .descendants()
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    std::ptr::from_ref(e) as usize,
                    u32::try_from(i).unwrap_or(u32::MAX),
                )
            })
            .collect();
        ElementIndex(map)
    }

    fn of(&self, e: &Element) -> Option<u32> {
        self.0.get(&(std::ptr::from_ref(e) as usize)).copied()
    }
}

fn read_gpo(gpo: &Element, file: &str, index: &ElementIndex) -> Gpo {
    let identifier = gpo.child("Identifier");
    let mut out = Gpo {
        guid: identifier
            .and_then(|i| i.child_text("Identifier"))
            .and_then(normalize_guid),
        display_name: gpo.child_text("Name").unwrap_or_default().to_string(),
        domain: identifier
            .and_then(|i| i.child_text("Domain"))
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        created_time: non_empty(gpo.child_text("CreatedTime")),
        modified_time: non_empty(gpo.child_text("ModifiedTime")),
        computer_enabled: half_enabled(gpo.child("Computer")),
        user_enabled: half_enabled(gpo.child("User")),
        wmi_filter: non_empty(gpo.child_text("FilterName")),
        links: gpo.children_named("LinksTo").map(read_link).collect(),
        origin: file.to_string(),
        ..Gpo::default()
    };
    for (half, scope) in [("Computer", Scope::Device), ("User", Scope::User)] {
        let Some(half) = gpo.child(half) else {
            continue;
        };
        for data in half.children_named("ExtensionData") {
            let mut cx = Collector::new(file, index, scope, data);
            cx.read_extension_data(data);
            out.settings.extend(cx.items.into_iter().map(|c| c.setting));
            out.unsupported_extensions.extend(cx.unsupported);
            out.notes.extend(cx.notes);
        }
    }
    out
}

/// `Enabled` of the `Computer` or `User` half; a half the report leaves out is not switched off.
fn half_enabled(half: Option<&Element>) -> bool {
    half.and_then(|h| h.child_text("Enabled"))
        .and_then(parse_bool)
        .unwrap_or(true)
}

pub(super) fn read_link(link: &Element) -> GpoLink {
    GpoLink {
        som_name: link.child_text("SOMName").unwrap_or_default().to_string(),
        som_path: link.child_text("SOMPath").unwrap_or_default().to_string(),
        enabled: link
            .child_text("Enabled")
            .and_then(parse_bool)
            .unwrap_or(false),
        no_override: link
            .child_text("NoOverride")
            .and_then(parse_bool)
            .unwrap_or(false),
    }
}

/// `{GUID}` upper case in braces, from a report's identifier text.
pub(crate) fn normalize_guid(text: &str) -> Option<String> {
    let bare = text.trim().trim_start_matches('{').trim_end_matches('}');
    (!bare.is_empty()).then(|| format!("{{{}}}", bare.to_ascii_uppercase()))
}

pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        t if t.eq_ignore_ascii_case("true") || t == "1" => Some(true),
        t if t.eq_ignore_ascii_case("false") || t == "0" => Some(false),
        _ => None,
    }
}

pub(crate) fn non_empty(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.is_empty()).map(str::to_string)
}

/// Every child of `e` (RSoP attribution left out) flattened into properties named by path.
pub(crate) fn child_properties(e: &Element) -> Vec<Property> {
    let mut out = Vec::new();
    for child in e.children.iter().filter(|c| c.ns != BASE_NS) {
        preferences::flatten(child, &child.name, &mut out);
    }
    out
}

/// The GPO an RSoP report names as the source of one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Winner {
    pub guid: String,
    pub domain: Option<String>,
}

/// The `<GPO xmlns="…/Settings/Base">` child that RSoP reports put inside each setting.
fn winner_of(e: &Element) -> Option<Winner> {
    let gpo = e.children.iter().find(|c| c.is(BASE_NS, "GPO"))?;
    Some(Winner {
        guid: gpo.child_text("Identifier").and_then(normalize_guid)?,
        domain: non_empty(gpo.child_text("Domain")),
    })
}

/// A setting with the GPO an RSoP report attributes it to (None in plain GPO reports).
pub(crate) struct Collected {
    pub winner: Option<Winner>,
    pub setting: Setting,
}

/// Display fields of a setting besides its identity and value.
#[derive(Default)]
pub(crate) struct Labels {
    pub display_name: Option<String>,
    pub category: Option<String>,
    pub display_value: Option<String>,
}

impl Labels {
    pub fn named(name: Option<&str>) -> Self {
        Labels {
            display_name: non_empty(name),
            ..Labels::default()
        }
    }
}

/// What reading one `ExtensionData` produces.
pub(crate) struct Collector<'a> {
    file: &'a str,
    index: &'a ElementIndex,
    pub scope: Scope,
    /// The report's `<Name>` of the extension, for notes.
    pub extension: String,
    pub items: Vec<Collected>,
    pub unsupported: Vec<UnsupportedExtension>,
    /// RSoP only: the GPOs named inside an extension gpa does not read.
    pub unsupported_winners: Vec<Winner>,
    pub notes: Vec<String>,
}

impl<'a> Collector<'a> {
    pub fn new(file: &'a str, index: &'a ElementIndex, scope: Scope, data: &Element) -> Self {
        Collector {
            file,
            index,
            scope,
            extension: data.child_text("Name").unwrap_or_default().to_string(),
            items: Vec::new(),
            unsupported: Vec::new(),
            unsupported_winners: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn source(&self, e: &Element) -> Source {
        Source {
            file: self.file.to_string(),
            entry: self.index.of(e),
            line: None,
        }
    }

    /// Adds a setting read from element `e` (which also carries the RSoP attribution, if any).
    pub fn push(
        &mut self,
        e: &Element,
        kind: SettingKind,
        id: SettingId,
        value: SettingValue,
        labels: Labels,
    ) {
        let setting = Setting {
            scope: self.scope,
            kind,
            id,
            value,
            display_name: labels.display_name,
            category: labels.category,
            display_value: labels.display_value,
            source: self.source(e),
        };
        self.items.push(Collected {
            winner: winner_of(e),
            setting,
        });
    }

    pub fn note(&mut self, text: String) {
        let scope = match self.scope {
            Scope::Device => "Computer",
            Scope::User => "User",
        };
        self.notes
            .push(format!("{scope} extension '{}': {text}", self.extension));
    }

    /// A child element an extension reader does not know: noted, not guessed at.
    pub fn unknown_element(&mut self, e: &Element) {
        self.note(format!(
            "element <{}> (entry {}) is not read",
            e.name,
            self.index
                .of(e)
                .map_or_else(|| "?".to_string(), |i| i.to_string())
        ));
    }

    fn read_extension_data(&mut self, data: &Element) {
        if let Some(error) = data.child("Error") {
            let description = error.child_text("Description").unwrap_or_default();
            let details = error.child_text("Details").unwrap_or_default();
            let text = match (description.is_empty(), details.is_empty()) {
                (false, false) => format!("{description} ({details})"),
                (false, true) => description.to_string(),
                (true, false) => details.to_string(),
                (true, true) => error.text.trim().to_string(),
            };
            self.note(format!(
                "GPMC reported an error instead of the settings: {text}"
            ));
        }
        let Some(extension) = data.child("Extension") else {
            return;
        };
        if extension
            .child_text("Blocked")
            .and_then(parse_bool)
            .unwrap_or(false)
        {
            self.note("the extension is blocked (Blocked=true)".to_string());
        }
        let (namespace, type_name) = match &extension.xsi_type {
            Some((ns, local)) => (ns.clone(), Some(local.clone())),
            // Hand-written reports sometimes omit xsi:type; the payload's namespace says the same.
            None => (
                extension
                    .children
                    .iter()
                    .find(|c| c.ns != SETTINGS_NS && c.ns != BASE_NS && !c.ns.is_empty())
                    .map(|c| c.ns.clone())
                    .unwrap_or_default(),
                None,
            ),
        };
        let kind = namespace
            .strip_prefix(EXTENSION_NS_PREFIX)
            .map(ExtensionKind::of)
            .unwrap_or(ExtensionKind::Unknown);
        match kind {
            ExtensionKind::Admx => admx::read(extension, self),
            ExtensionKind::Security => security::read_security(extension, self),
            ExtensionKind::Auditing => security::read_auditing(extension, self),
            ExtensionKind::Firewall => firewall::read(extension, self),
            ExtensionKind::PublicKey => other::read_public_key(extension, self),
            ExtensionKind::Scripts => other::read_scripts(extension, self),
            ExtensionKind::SoftwareInstallation => {
                other::read_software_installation(extension, self)
            }
            ExtensionKind::FolderRedirection => other::read_folder_redirection(extension, self),
            ExtensionKind::Nrpt => other::read_nrpt(extension, self),
            ExtensionKind::AppLocker => other::read_applocker(extension, self),
            ExtensionKind::Preference(t) => self.read_preferences(extension, t),
            ExtensionKind::Unknown => {
                let mut winners: Vec<Winner> = Vec::new();
                for w in extension.descendants().into_iter().filter_map(winner_of) {
                    if !winners.contains(&w) {
                        winners.push(w);
                    }
                }
                self.unsupported_winners = winners;
                self.unsupported.push(UnsupportedExtension {
                    scope: self.scope,
                    namespace: (!namespace.is_empty()).then_some(namespace),
                    type_name,
                    name: (!self.extension.is_empty()).then(|| self.extension.clone()),
                    cse_guid: None,
                });
            }
        }
    }

    fn read_preferences(&mut self, extension: &Element, preference_type: PreferenceType) {
        for root in &extension.children {
            if root.ns == BASE_NS || root.name == "Blocked" {
                continue;
            }
            for found in preferences::read_items(root) {
                let source = self.source(found.element);
                let setting =
                    preferences::item_setting(preference_type, self.scope, &found, source);
                self.items.push(Collected {
                    winner: winner_of(found.element),
                    setting,
                });
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExtensionKind {
    Admx,
    Security,
    Auditing,
    Firewall,
    PublicKey,
    Scripts,
    SoftwareInstallation,
    FolderRedirection,
    Nrpt,
    AppLocker,
    Preference(PreferenceType),
    Unknown,
}

impl ExtensionKind {
    /// By the part of the namespace URI after `…/GroupPolicy/Settings/`. Compared without regard
    /// to ASCII case: formats.md writes `Inifiles` where the corpus has `IniFiles`.
    fn of(suffix: &str) -> Self {
        use PreferenceType as T;
        let table: [(&str, ExtensionKind); 30] = [
            ("Registry", Self::Admx),
            ("Security", Self::Security),
            ("Auditing", Self::Auditing),
            ("WindowsFirewall", Self::Firewall),
            ("PublicKey", Self::PublicKey),
            ("Scripts", Self::Scripts),
            ("SoftwareInstallation", Self::SoftwareInstallation),
            ("FolderRedirection", Self::FolderRedirection),
            ("nrpt", Self::Nrpt),
            ("SRPV2", Self::AppLocker),
            ("Windows/Registry", Self::Preference(T::Registry)),
            ("DriveMaps", Self::Preference(T::DriveMaps)),
            ("ScheduledTasks", Self::Preference(T::ScheduledTasks)),
            ("Lugs", Self::Preference(T::LocalUsersAndGroups)),
            ("Services", Self::Preference(T::Services)),
            ("Environment", Self::Preference(T::EnvironmentVariables)),
            ("Files", Self::Preference(T::Files)),
            ("Folders", Self::Preference(T::Folders)),
            ("Shortcuts", Self::Preference(T::Shortcuts)),
            ("IniFiles", Self::Preference(T::IniFiles)),
            ("Printers", Self::Preference(T::Printers)),
            ("PowerOptions", Self::Preference(T::PowerOptions)),
            ("NetworkShares", Self::Preference(T::NetworkShares)),
            ("DataSources", Self::Preference(T::DataSources)),
            ("Devices", Self::Preference(T::Devices)),
            ("FolderOptions", Self::Preference(T::FolderOptions)),
            ("NetworkOptions", Self::Preference(T::NetworkOptions)),
            ("InternetSettings", Self::Preference(T::InternetSettings)),
            ("RegionalOptions", Self::Preference(T::RegionalOptions)),
            ("StartMenu", Self::Preference(T::StartMenu)),
        ];
        table
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(suffix))
            .map_or(Self::Unknown, |(_, kind)| *kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hive, PolicyState, RegistryData, RegistryOp};

    const HEAD: &str = r#"<GPO xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Settings">
  <Identifier>
    <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{c6b4cce3-96d0-4f25-acb0-6ce807301edc}</Identifier>
    <Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">contoso.com</Domain>
  </Identifier>
  <Name>Test</Name>
  <CreatedTime>2025-10-31T10:19:48</CreatedTime>
  <FilterName>Windows 11</FilterName>"#;

    fn report(body: &str) -> String {
        format!("{HEAD}{body}</GPO>")
    }

    #[test]
    fn header_links_and_halves() {
        let doc = report(
            r#"<Computer><Enabled>false</Enabled></Computer>
            <LinksTo><SOMName>A</SOMName><SOMPath>contoso.com/A</SOMPath><Enabled>true</Enabled><NoOverride>false</NoOverride></LinksTo>
            <LinksTo><SOMName>B</SOMName><SOMPath>contoso.com/B</SOMPath><Enabled>false</Enabled><NoOverride>true</NoOverride></LinksTo>"#,
        );
        let gpos = parse(&doc, "r.xml").unwrap();
        let gpo = &gpos[0];
        assert_eq!(
            gpo.guid.as_deref(),
            Some("{C6B4CCE3-96D0-4F25-ACB0-6CE807301EDC}")
        );
        assert_eq!(gpo.domain.as_deref(), Some("contoso.com"));
        assert_eq!(gpo.display_name, "Test");
        assert_eq!(gpo.wmi_filter.as_deref(), Some("Windows 11"));
        assert!(!gpo.computer_enabled);
        assert!(gpo.user_enabled);
        assert_eq!(gpo.links.len(), 2);
        assert!(gpo.links[1].no_override && !gpo.links[1].enabled);
        assert_eq!(gpo.origin, "r.xml");
    }

    #[test]
    fn many_gpos_under_any_root() {
        let one = report("");
        let doc = format!("<GPOs>{one}{one}</GPOs>");
        assert_eq!(parse(&doc, "r.xml").unwrap().len(), 2);
        assert!(parse("<Other/>", "r.xml").unwrap_err().contains("<Other>"));
    }

    #[test]
    fn same_local_type_in_two_namespaces() {
        let doc = report(
            r#"<Computer><Enabled>true</Enabled>
            <ExtensionData><Extension xmlns:q1="http://www.microsoft.com/GroupPolicy/Settings/Registry" xsi:type="q1:RegistrySettings">
              <q1:Policy><q1:Name>P</q1:Name><q1:State>Enabled</q1:State><q1:Category>C/D</q1:Category></q1:Policy>
              <q1:RegistrySetting><q1:KeyPath>Software\X</q1:KeyPath><q1:Value><q1:Name>V</q1:Name><q1:Number>7</q1:Number></q1:Value></q1:RegistrySetting>
            </Extension><Name>Registry</Name></ExtensionData>
            <ExtensionData><Extension xmlns:q1="http://www.microsoft.com/GroupPolicy/Settings/Windows/Registry" xsi:type="q1:RegistrySettings">
              <q1:RegistrySettings clsid="{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}">
                <q1:Registry clsid="{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}" name="N" uid="{U}"><q1:GPOSettingOrder>1</q1:GPOSettingOrder>
                  <q1:Properties action="U" hive="HKEY_LOCAL_MACHINE" key="K" name="N" type="REG_SZ" value="v"/></q1:Registry>
              </q1:RegistrySettings>
            </Extension><Name>Windows Registry</Name></ExtensionData></Computer>"#,
        );
        let gpo = &parse(&doc, "r.xml").unwrap()[0];
        let kinds: Vec<_> = gpo.settings.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                SettingKind::AdmxPolicy,
                SettingKind::RegistryValue,
                SettingKind::Preference
            ]
        );
        assert_eq!(
            gpo.settings[0].value,
            SettingValue::Policy {
                state: PolicyState::Enabled,
                parts: vec![]
            }
        );
        assert_eq!(
            gpo.settings[1].id,
            SettingId::Registry {
                hive: Hive::Hklm,
                key: "Software\\X".into(),
                value_name: "V".into()
            }
        );
        let SettingValue::Registry(instruction) = &gpo.settings[1].value else {
            panic!("not registry")
        };
        assert_eq!(instruction.op, RegistryOp::Set);
        assert_eq!(instruction.data, RegistryData::Dword(7));
    }

    #[test]
    fn unknown_extension_and_error_are_kept() {
        let doc = report(
            r#"<User><Enabled>true</Enabled>
            <ExtensionData><Extension xmlns:q9="http://www.microsoft.com/GroupPolicy/Settings/eqos" xsi:type="q9:QoSSettings"><q9:Thing/></Extension><Name>Policy-based QoS</Name></ExtensionData>
            <ExtensionData><Error><Details>0x80070057</Details><Description>Duplicate namespace</Description></Error><Name>Registry</Name></ExtensionData>
            </User>"#,
        );
        let gpo = &parse(&doc, "r.xml").unwrap()[0];
        assert!(gpo.settings.is_empty());
        let unsupported = &gpo.unsupported_extensions[0];
        assert_eq!(unsupported.scope, Scope::User);
        assert_eq!(
            unsupported.namespace.as_deref(),
            Some("http://www.microsoft.com/GroupPolicy/Settings/eqos")
        );
        assert_eq!(unsupported.type_name.as_deref(), Some("QoSSettings"));
        assert_eq!(unsupported.name.as_deref(), Some("Policy-based QoS"));
        assert_eq!(
            gpo.notes,
            [
                "User extension 'Registry': GPMC reported an error instead of the settings: Duplicate namespace (0x80070057)"
            ]
        );
    }
}
