//! The one normalized document type: every reader in `input` produces [`Gpo`]s, every later stage
//! (matching, reports, settings catalog emission) consumes them.
//!
//! Identities are language independent (registry paths, SIDs, GUIDs, section and key names of
//! security templates) so that a French GPMC report and an English backup of the same GPO meet on
//! the same keys. Display names and categories are carried beside the identity, never instead of it.

use serde::{Deserialize, Serialize};

/// What `gpa inventory --json` prints, and the root that later reports extend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub gpos: Vec<Gpo>,
}

/// One Group Policy Object, from whatever form it was exported in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gpo {
    /// The GPO GUID in braces, upper case (`{31B2F340-016D-11D2-945F-00C04FB984F9}`). Absent for
    /// a loose SYSVOL-style folder that names no GUID.
    pub guid: Option<String>,
    pub display_name: String,
    pub domain: Option<String>,
    /// Present when the GPO was read from a `Backup-GPO` folder.
    pub backup: Option<BackupInfo>,
    pub created_time: Option<String>,
    pub modified_time: Option<String>,
    /// False when the computer half of the GPO is switched off (its settings are still listed).
    pub computer_enabled: bool,
    /// False when the user half of the GPO is switched off.
    pub user_enabled: bool,
    pub wmi_filter: Option<String>,
    /// Where the GPO is linked; empty when it is not linked (or the export does not say).
    pub links: Vec<GpoLink>,
    /// Client-side extension GUIDs configured for the computer half (`gPCMachineExtensionNames`).
    pub machine_extensions: Vec<String>,
    /// Client-side extension GUIDs configured for the user half.
    pub user_extensions: Vec<String>,
    /// The settings, values taken from the raw files when a backup has them.
    pub settings: Vec<Setting>,
    /// Administrative Template policies as the GPMC report names them, kept beside registry.pol
    /// settings of the same GPO: they carry the display names and categories that raw registry
    /// entries lack, and break ties when one registry value belongs to several ADMX policies.
    /// Empty when the settings themselves came from the report.
    pub report_policies: Vec<Setting>,
    pub unsupported_extensions: Vec<UnsupportedExtension>,
    /// Where the raw files and the report of one backup disagree.
    pub discrepancies: Vec<Discrepancy>,
    /// Facts about how this GPO was read (e.g. which of several backups was taken).
    pub notes: Vec<String>,
    /// The file or folder this GPO was read from.
    pub origin: String,
    /// Files of this GPO that were read only in part (truncated, corrupted): the settings read
    /// before the damage are in `settings`, with the damaged file as their source. Every report
    /// shows these, and a run that meets one exits with status 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage: Vec<Damage>,
}

impl Gpo {
    /// The GPO as Active Directory names it: its GUID within its domain. None for a GPO that
    /// names no GUID (a loose SYSVOL-style folder, an RSoP's unattributed settings).
    pub fn identity(&self) -> Option<GpoIdentity> {
        self.guid
            .as_deref()
            .map(|guid| GpoIdentity::new(guid, self.domain.as_deref()))
    }
}

/// A GPO's GUID within its domain. A GUID alone does not name a GPO: the Default Domain Policy
/// is `{31B2F340-016D-11D2-945F-00C04FB984F9}` in every domain, and so is a GPO restored or
/// imported into another domain. The GUID is kept upper case and the domain lower case (DNS
/// names ignore case), so equal identities are equal values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GpoIdentity {
    pub domain: Option<String>,
    pub guid: String,
}

impl GpoIdentity {
    pub fn new(guid: &str, domain: Option<&str>) -> GpoIdentity {
        GpoIdentity {
            domain: domain
                .map(|d| d.trim().to_ascii_lowercase())
                .filter(|d| !d.is_empty()),
            guid: guid.trim().to_ascii_uppercase(),
        }
    }

    /// Could be the same GPO: the same GUID, and the same domain where both name one (a listing
    /// that omits the domain cannot tell two domains apart, nor set them apart).
    pub fn may_be(&self, other: &GpoIdentity) -> bool {
        self.guid == other.guid
            && match (&self.domain, &other.domain) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

impl std::fmt::Display for GpoIdentity {
    /// `contoso.com/{GUID}`, or the GUID alone when the domain is unknown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.domain {
            Some(domain) => write!(f, "{domain}/{}", self.guid),
            None => f.write_str(&self.guid),
        }
    }
}

/// A file read only in part: where reading stopped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Damage {
    /// The damaged file, as the settings' `source.file` names it.
    pub file: String,
    pub at: DamageAt,
    /// What was wrong, with at most a short escaped excerpt of the file.
    pub problem: String,
    /// How many settings were read from the file before the damage (they are kept).
    pub settings_kept: usize,
    /// Settings the GPO's gpreport.xml has that the damaged file lost (by name, or identity when
    /// the report names none); empty when the backup has no report or it lists nothing more.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost_per_report: Vec<String>,
}

/// Where in a damaged file the damage was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DamageAt {
    /// A byte offset from the start of the file (binary files: registry.pol).
    Byte(u64),
    /// A 1-based line (text files: INF, CSV, INI, XML).
    Line(u32),
    /// The file as a whole (empty, or a required part missing).
    File,
}

impl std::fmt::Display for DamageAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DamageAt::Byte(offset) => write!(f, "byte {offset}"),
            DamageAt::Line(line) => write!(f, "line {line}"),
            DamageAt::File => f.write_str("whole file"),
        }
    }
}

impl Damage {
    /// One line for terminals and CSV cells: `FILE (byte 1234): PROBLEM; N settings kept`, and
    /// the settings the report has that were lost.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{} ({}): {}; {} setting{} read before the damage kept",
            self.file,
            self.at,
            self.problem,
            self.settings_kept,
            if self.settings_kept == 1 { "" } else { "s" }
        );
        if !self.lost_per_report.is_empty() {
            text.push_str(&format!(
                "; lost, per gpreport.xml: {}",
                self.lost_per_report.join("; ")
            ));
        }
        crate::safe_text::escape_control(&text)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// The backup folder GUID (not the GPO GUID).
    pub id: Option<String>,
    pub time: Option<String>,
    pub comment: Option<String>,
    pub domain_controller: Option<String>,
}

/// A link of the GPO to a site, domain or OU (`LinksTo` in a report).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpoLink {
    pub som_name: String,
    pub som_path: String,
    pub enabled: bool,
    pub no_override: bool,
}

/// Which half of a GPO a setting belongs to; named as MDM names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Computer Configuration, HKLM, `./Device/…`.
    Device,
    /// User Configuration, HKCU, `./User/…`.
    User,
}

impl Scope {
    pub fn hive(self) -> Hive {
        match self {
            Scope::Device => Hive::Hklm,
            Scope::User => Hive::Hkcu,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Hive {
    Hklm,
    Hkcu,
}

/// What kind of Group Policy setting this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    /// An Administrative Templates policy as a report names it (display name, state, parts).
    AdmxPolicy,
    /// A registry.pol instruction, or a report's "Extra Registry Settings" entry.
    RegistryValue,
    /// `[System Access]` password and lockout policy, `[Kerberos Policy]`.
    AccountPolicy,
    /// `[Registry Values]` and the non-account `[System Access]` keys.
    SecurityOption,
    /// `[Privilege Rights]`.
    UserRight,
    /// `[Event Audit]`: the nine legacy audit categories.
    LegacyAudit,
    /// audit.csv subcategory rows.
    AdvancedAudit,
    /// audit.csv `Option:*` rows and global SACLs.
    AuditOption,
    /// `[System Log]`, `[Security Log]`, `[Application Log]`.
    EventLog,
    /// `[Group Membership]`.
    RestrictedGroup,
    /// `[Service General Setting]`.
    Service,
    /// `[Registry Keys]` permissions.
    RegistryPermission,
    /// `[File Security]` permissions.
    FilePermission,
    /// A Windows Firewall profile or global setting.
    FirewallProfile,
    FirewallRule,
    /// A firewall connection security (IPsec) rule.
    ConnectionSecurityRule,
    AppLockerRule,
    /// A Group Policy Preferences item; its type is in the identity.
    Preference,
    Script,
    FolderRedirection,
    SoftwarePackage,
    Certificate,
    /// A Public Key policy that is not a certificate (auto-enrollment, EFS settings).
    PublicKeyPolicy,
    /// Name Resolution Policy Table rule.
    NameResolutionPolicy,
    /// A client-side extension gpa does not read.
    UnknownExtension,
}

/// The language-independent identity of a setting: two settings with equal scope and identity are
/// the same setting, whichever GPO or export form they came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingId {
    /// A registry value (`value_name` is empty for an instruction on the key itself).
    Registry {
        hive: Hive,
        key: String,
        value_name: String,
    },
    /// An ADMX policy known only by its report names; the catalog turns it into a registry identity.
    ReportPolicy {
        category: String,
        name: String,
    },
    /// A key of a security template section, e.g. `System Access` / `MinimumPasswordLength`,
    /// `Privilege Rights` / `SeDenyNetworkLogonRight`, `Security Log` / `MaximumLogSize`.
    SecurityTemplate {
        section: String,
        name: String,
    },
    /// An advanced audit subcategory by GUID (lower case, in braces).
    AuditSubcategory {
        guid: String,
    },
    /// An advanced audit option or global SACL by its audit.csv name (`Option:CrashOnAuditFail`).
    AuditOption {
        name: String,
    },
    /// A restricted group by SID (preferred) or account name.
    Group {
        sid: Option<String>,
        name: Option<String>,
    },
    /// A system service by its short name.
    Service {
        name: String,
    },
    /// A file or registry path whose permissions are set.
    Path {
        path: String,
    },
    /// A firewall rule by its rule id (registry value name) or, from a report, its name.
    FirewallRule {
        id: String,
    },
    /// A firewall profile setting (`Domain`, `Private`, `Public`, or `Global`).
    FirewallSetting {
        profile: String,
        name: String,
    },
    /// An AppLocker rule by collection (`Exe`, `Msi`, `Script`, `Dll`, `Appx`) and rule id.
    AppLockerRule {
        collection: String,
        id: String,
    },
    /// A preference item by type and `uid`; `name` is the item's `name` attribute.
    Preference {
        preference_type: PreferenceType,
        uid: Option<String>,
        name: String,
    },
    Script {
        trigger: String,
        order: u32,
    },
    /// A redirected known folder by KNOWNFOLDERID.
    KnownFolder {
        id: String,
    },
    SoftwarePackage {
        product_id: Option<String>,
        name: String,
    },
    /// A certificate by store and thumbprint (or, without one, its subject).
    Certificate {
        store: String,
        id: String,
    },
    /// A setting named within an extension that has no better key (public key policy, NRPT rule).
    Named {
        extension: String,
        name: String,
    },
    /// A client-side extension gpa does not read.
    Extension {
        namespace: String,
        type_name: String,
        cse_guid: Option<String>,
    },
}

impl SettingId {
    /// The identity with its names folded to ASCII lower case (and registry keys without stray
    /// separators), as Windows compares them: two settings are the same when these are equal.
    pub fn case_folded(&self) -> SettingId {
        let l = |s: &String| s.to_ascii_lowercase();
        let lo = |s: &Option<String>| s.as_ref().map(|s| s.to_ascii_lowercase());
        match self {
            SettingId::Registry {
                hive,
                key,
                value_name,
            } => SettingId::Registry {
                hive: *hive,
                key: fold_registry_key(key),
                value_name: l(value_name),
            },
            SettingId::ReportPolicy { category, name } => SettingId::ReportPolicy {
                category: l(category),
                name: l(name),
            },
            SettingId::SecurityTemplate { section, name } => SettingId::SecurityTemplate {
                section: l(section),
                name: l(name),
            },
            SettingId::AuditSubcategory { guid } => SettingId::AuditSubcategory { guid: l(guid) },
            SettingId::AuditOption { name } => SettingId::AuditOption { name: l(name) },
            SettingId::Group { sid, name } => SettingId::Group {
                sid: lo(sid),
                name: lo(name),
            },
            SettingId::Service { name } => SettingId::Service { name: l(name) },
            SettingId::Path { path } => SettingId::Path { path: l(path) },
            SettingId::FirewallRule { id } => SettingId::FirewallRule { id: l(id) },
            SettingId::FirewallSetting { profile, name } => SettingId::FirewallSetting {
                profile: l(profile),
                name: l(name),
            },
            SettingId::AppLockerRule { collection, id } => SettingId::AppLockerRule {
                collection: l(collection),
                id: l(id),
            },
            SettingId::Preference {
                preference_type,
                uid,
                name,
            } => SettingId::Preference {
                preference_type: *preference_type,
                uid: lo(uid),
                name: l(name),
            },
            SettingId::Script { trigger, order } => SettingId::Script {
                trigger: l(trigger),
                order: *order,
            },
            SettingId::KnownFolder { id } => SettingId::KnownFolder { id: l(id) },
            SettingId::SoftwarePackage { product_id, name } => SettingId::SoftwarePackage {
                product_id: lo(product_id),
                name: l(name),
            },
            SettingId::Certificate { store, id } => SettingId::Certificate {
                store: l(store),
                id: l(id),
            },
            SettingId::Named { extension, name } => SettingId::Named {
                extension: l(extension),
                name: l(name),
            },
            SettingId::Extension {
                namespace,
                type_name,
                cse_guid,
            } => SettingId::Extension {
                namespace: l(namespace),
                type_name: l(type_name),
                cse_guid: lo(cse_guid),
            },
        }
    }
}

/// Registry keys compare case-insensitively and without stray separators at either end.
pub fn fold_registry_key(key: &str) -> String {
    key.trim().trim_matches('\\').to_ascii_lowercase()
}

/// The fourteen Group Policy Preferences types (and the Internet/Regional/Start menu ones that
/// reports also name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PreferenceType {
    DataSources,
    Devices,
    DriveMaps,
    EnvironmentVariables,
    Files,
    FolderOptions,
    Folders,
    IniFiles,
    InternetSettings,
    LocalUsersAndGroups,
    NetworkOptions,
    NetworkShares,
    PowerOptions,
    Printers,
    RegionalOptions,
    Registry,
    ScheduledTasks,
    Services,
    Shortcuts,
    StartMenu,
}

/// One setting of one GPO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    pub scope: Scope,
    pub kind: SettingKind,
    pub id: SettingId,
    pub value: SettingValue,
    /// The name a person knows the setting by, from the report or a known table.
    pub display_name: Option<String>,
    /// The report's category path, display names joined by `/`.
    pub category: Option<String>,
    /// The value as the report shows it, when it differs from the raw value's text.
    pub display_value: Option<String>,
    pub source: Source,
}

impl Setting {
    /// A setting as a raw file gives it: no display name, category or display value yet (a report
    /// or a known table adds them).
    pub fn new(
        scope: Scope,
        kind: SettingKind,
        id: SettingId,
        value: SettingValue,
        source: Source,
    ) -> Setting {
        Setting {
            scope,
            kind,
            id,
            value,
            display_name: None,
            category: None,
            display_value: None,
            source,
        }
    }
}

/// Where a setting was read: the file, and the instruction index (registry.pol, report element)
/// or line (ini, inf, csv) within it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// The value of a setting, in the form its source gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingValue {
    /// A registry.pol instruction or a registry value written by another extension.
    Registry(RegistryInstruction),
    /// An Administrative Templates policy from a report.
    Policy {
        state: PolicyState,
        parts: Vec<PolicyPart>,
    },
    Number {
        value: i64,
    },
    Text {
        value: String,
    },
    Boolean {
        value: bool,
    },
    TextList {
        values: Vec<String>,
    },
    /// Accounts, by SID and/or name (user rights, group members).
    Principals {
        members: Vec<Principal>,
    },
    /// A restricted group's members and the groups it is a member of.
    GroupMembership {
        members: Vec<Principal>,
        member_of: Vec<Principal>,
    },
    /// Audit flags (legacy categories and advanced subcategories): the raw number is kept too.
    Audit {
        success: bool,
        failure: bool,
        raw: String,
    },
    /// A Group Policy Preferences item.
    Preference(PreferenceItem),
    /// Named properties in source order (firewall rules, scripts, packages, certificates…).
    Properties {
        properties: Vec<Property>,
    },
    /// Nothing to carry beyond the identity (an unknown extension).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyState {
    Enabled,
    Disabled,
    /// Neither enabled nor disabled evidence could be established.
    Unknown,
}

/// A presentation part of a reported ADMX policy (`EditText`, `DropDownList`, `Numeric`,
/// `CheckBox`, `ListBox`, `MultiText`…), in report order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyPart {
    /// The report element's local name (`EditText`, `DropDownList`, …).
    pub element: String,
    /// The ADML label shown as the part's `Name`.
    pub label: String,
    pub state: Option<String>,
    /// Single value: text, number, `DropDownList` item display name, `CheckBox` absent.
    pub value: Option<String>,
    /// `ListBox` entries (name and optional data) or `MultiText` lines.
    pub items: Vec<ListEntry>,
    pub explicit_value: Option<bool>,
    pub additive: Option<bool>,
    /// `ListBox` `ValuePrefix`: the value names are this prefix plus 1, 2, 3….
    pub value_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    pub name: String,
    pub data: Option<String>,
}

/// A registry operation as registry.pol expresses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryInstruction {
    pub op: RegistryOp,
    pub data: RegistryData,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RegistryOp {
    /// Write the value.
    Set,
    /// `**soft.`: write the value only if it does not exist.
    SoftSet,
    /// `**del.`: delete the value.
    DeleteValue,
    /// `**delvals.`: delete every value of the key.
    DeleteAllValues,
    /// `**DeleteValues`: delete these values.
    DeleteValues { names: Vec<String> },
    /// `**DeleteKeys`: delete these subkeys.
    DeleteKeys { names: Vec<String> },
    /// `**SecureKey`: restrict (true) or reset (false) the key's ACL.
    SecureKey { secure: bool },
    /// An instruction with an empty value name: create the key.
    CreateKey,
}

/// Registry data by type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reg_type", content = "data")]
pub enum RegistryData {
    #[serde(rename = "REG_NONE")]
    None,
    #[serde(rename = "REG_SZ")]
    String(String),
    #[serde(rename = "REG_EXPAND_SZ")]
    ExpandString(String),
    /// Lower-case hex.
    #[serde(rename = "REG_BINARY")]
    Binary(String),
    #[serde(rename = "REG_DWORD")]
    Dword(u32),
    #[serde(rename = "REG_DWORD_BIG_ENDIAN")]
    DwordBigEndian(u32),
    #[serde(rename = "REG_MULTI_SZ")]
    MultiString(Vec<String>),
    #[serde(rename = "REG_QWORD")]
    Qword(u64),
    /// A type code outside the known ones, with its bytes as lower-case hex.
    #[serde(rename = "REG_OTHER")]
    Other { type_code: u32, hex: String },
}

impl RegistryData {
    /// The REG_* type code.
    pub fn type_code(&self) -> u32 {
        match self {
            RegistryData::None => 0,
            RegistryData::String(_) => 1,
            RegistryData::ExpandString(_) => 2,
            RegistryData::Binary(_) => 3,
            RegistryData::Dword(_) => 4,
            RegistryData::DwordBigEndian(_) => 5,
            RegistryData::MultiString(_) => 7,
            RegistryData::Qword(_) => 11,
            RegistryData::Other { type_code, .. } => *type_code,
        }
    }

    /// The value as text, the way reports and CSV cells show it.
    pub fn display(&self) -> String {
        match self {
            RegistryData::None => String::new(),
            RegistryData::String(s) | RegistryData::ExpandString(s) => s.clone(),
            RegistryData::Binary(hex) | RegistryData::Other { hex, .. } => hex.clone(),
            RegistryData::Dword(n) | RegistryData::DwordBigEndian(n) => n.to_string(),
            RegistryData::MultiString(items) => items.join("; "),
            RegistryData::Qword(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Principal {
    pub sid: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

/// A Group Policy Preferences item with its properties and item-level targeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferenceItem {
    /// The item element's local name (`Registry`, `Drive`, `TaskV2`, `SharedPrinter`, …).
    pub element: String,
    pub clsid: Option<String>,
    /// `C`, `R`, `U` or `D` (Create, Replace, Update, Delete).
    pub action: Option<String>,
    pub disabled: bool,
    /// The attributes of `<Properties>` in source order; `cpassword` is already redacted.
    pub properties: Vec<Property>,
    /// Nested values that attributes cannot hold (REG_MULTI_SZ `Values`, task XML, members…),
    /// flattened as `path/to/element@attribute` or `path/to/element` for text.
    pub details: Vec<Property>,
    /// Item-level targeting filters, kept as data.
    pub filters: Vec<TargetingFilter>,
}

/// One item-level targeting filter (`FilterGroup`, `FilterComputer`, `FilterWmi`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetingFilter {
    pub filter: String,
    /// `AND` or `OR`.
    pub bool_op: Option<String>,
    pub negate: bool,
    pub attributes: Vec<Property>,
    /// Nested `FilterCollection` contents.
    pub children: Vec<TargetingFilter>,
}

/// What stands in every output instead of a GPP `cpassword` (MS14-025).
pub const REDACTED: &str = "[REDACTED cpassword]";

/// A client-side extension gpa does not read, named as Graph's `unsupportedGroupPolicyExtension`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsupportedExtension {
    pub scope: Scope,
    /// The report's extension namespace URI, when the GPO came with a report.
    pub namespace: Option<String>,
    /// The `xsi:type` local name or the report's `<Name>`.
    pub type_name: Option<String>,
    pub name: Option<String>,
    pub cse_guid: Option<String>,
}

/// A disagreement between the raw files of a backup and its gpreport.xml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    pub scope: Scope,
    pub id: SettingId,
    /// What differs, e.g. `only in gpreport.xml`, `value differs: raw 1, report 0`.
    pub detail: String,
}
