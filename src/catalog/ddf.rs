//! Policy CSP DDF files (DDF v2 split and the legacy monolithic DDF), formats.md §6.
//!
//! Both formats are OMA DM DDF 1.2 `MgmtTree` documents: nested `Node`s whose `NodeName`s, under
//! the `Path` of each top-level node, spell the CSP URI. They differ in the Microsoft
//! (`xmlns:MSFT="http://schemas.microsoft.com/MobileDevice/DM"`) metadata inside `DFProperties`:
//! DDF v2 writes `AllowedValues`/`AdmxBacked`/`GpMapping`/`Applicability`, the legacy (20H2)
//! `PolicyDDF_all.xml` writes `ADMXBacked`/`ADMXMapped`/`ADMXCategory`/`ADMXPolicyName`,
//! `GPDBMapped*`, `GPRegistryMapped*` and `SupportedValues`. Both are normalized into [`DdfNode`],
//! which records the flavor it came from. Long descriptions and XSD bodies are not kept: the
//! catalog is embedded in the binary and only the join, the matcher and the validator read it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::packed::{IndexedList, Lookups, Positions};
use crate::input::InputError;
use crate::input::text;
use crate::input::xml::{self, Element};
use crate::model::Scope;

/// The namespace of the Microsoft DDF extensions.
pub const MSFT_NS: &str = "http://schemas.microsoft.com/MobileDevice/DM";

/// Which DDF dialect a node was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DdfFlavor {
    /// DDF v2 (`MSFT:AllowedValues`, `MSFT:AdmxBacked`, `MSFT:GpMapping`, `MSFT:Applicability`).
    V2,
    /// Pre-v2 DDF (`MSFT:ADMXBacked`, `MSFT:ADMXMapped`, `MSFT:SupportedValues`, …), as in the
    /// 20H2 `PolicyDDF_all.xml`. A document is legacy when any of those elements occurs in it.
    Legacy,
}

/// One node of a CSP tree, interior or leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DdfNode {
    /// Full URI as the DDF spells it (`./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections`).
    /// A dynamic node's segment is its `DFTitle` in braces (`{FirewallRuleName}`), or `{}` when
    /// the DDF gives no title.
    pub uri: String,
    /// The CSP: the segment after `Vendor/MSFT` (`Policy`, `BitLocker`, `Firewall`), else the
    /// name of the document's top-level node (`DevDetail` under `.`).
    pub csp: String,
    /// The node's own name; for a dynamic node the same placeholder as in `uri`.
    pub name: String,
    /// True for a node whose name is chosen at run time (empty `NodeName`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub dynamic: bool,
    pub flavor: DdfFlavor,
    /// `DFFormat`: `int`, `chr`, `bool`, `xml`, `b64`, `node`, … as written.
    pub format: Option<String>,
    pub access: AccessTypes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    /// `Occurrence`: `One`, `ZeroOrOne`, `ZeroOrMore`, `OneOrMore`, `ZeroOrN`, `OneOrN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<String>,
    /// `Scope`: `Permanent` or `Dynamic` (the DM node scope, not device/user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_scope: Option<String>,
    #[serde(default, skip_serializing_if = "Applicability::is_empty")]
    pub applicability: Applicability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_values: Option<AllowedValues>,
    /// The ADMX policy that backs this node (its payload is `<enabled/>`+`<data/>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admx_backed: Option<AdmxBacked>,
    /// The Group Policy settings a native node mirrors (what it writes, not how values map).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gp_mappings: Vec<GpMapping>,
    /// `MSFT:List Delimiter` (v2) or `MSFT:SubStringSeparatorChar` (legacy), as written
    /// (`0xF000`, `\xF000`, `;`, `,`, `|`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_delimiter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecated>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_resolution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reboot_behavior: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_behavior: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub atomic_required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependency_groups: Vec<DependencyGroup>,
    /// `MSFT:NotSupportedOnPlatform` (legacy): `phone`, `desktop`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_supported_on: Vec<String>,
    /// Set on a legacy `…/Policy/Config/…` node whose metadata (allowed values, ADMX and GP
    /// mappings, default, conflict resolution, platforms) was copied from this `…/Policy/Result/…`
    /// twin: the legacy `PolicyDDF_all.xml` writes it only on the Result tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_from: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `AccessType` of a node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTypes {
    pub add: bool,
    pub delete: bool,
    pub get: bool,
    pub replace: bool,
    pub exec: bool,
}

/// `MSFT:Applicability` (v2), or the legacy `MSFT:StartOSVerison`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicability {
    /// `OsBuildVersion` split at commas: the first build and any backport builds
    /// (`10.0.22000, 10.0.19043.1202, …`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub os_build_versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csp_version: Option<String>,
    /// `EditionAllowList` split at `;` (`0x4`, `0x1B`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edition_allow_list: Vec<String>,
}

impl Applicability {
    fn is_empty(&self) -> bool {
        self.os_build_versions.is_empty()
            && self.csp_version.is_none()
            && self.edition_allow_list.is_empty()
    }

    /// The lowest build in `os_build_versions`, compared part by part as numbers. Backport lists
    /// name the newest release first, so the first entry is not the minimum.
    pub fn min_os_build(&self) -> Option<&str> {
        self.os_build_versions
            .iter()
            .min_by_key(|v| build_key(v))
            .map(String::as_str)
    }
}

fn build_key(version: &str) -> Vec<u64> {
    version
        .split('.')
        .map(|p| p.trim().parse::<u64>().unwrap_or(u64::MAX))
        .collect()
}

/// `ValueType` of `MSFT:AllowedValues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueType {
    Enum,
    Range,
    Admx,
    RegEx,
    Xsd,
    Json,
    Flag,
    Sddl,
    None,
    /// A value type this reader does not know, as written.
    Other(String),
}

impl ValueType {
    fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "enum" => ValueType::Enum,
            "range" => ValueType::Range,
            "admx" => ValueType::Admx,
            "regex" => ValueType::RegEx,
            "xsd" => ValueType::Xsd,
            "json" => ValueType::Json,
            "flag" => ValueType::Flag,
            "sddl" => ValueType::Sddl,
            "none" => ValueType::None,
            _ => ValueType::Other(text.to_string()),
        }
    }
}

/// What a node (or a dependency) accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedValues {
    pub value_type: ValueType,
    /// ENUM/Flag entries, or the legacy `SupportedValue`s / `AllowedValues="0,1"` list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    /// The `MSFT:Value` text of a Range, RegEx or JSON value type, as written (`[0-365]`).
    /// XSD bodies are not kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The bounds of a Range (`[0-365]`, `[(-1)-4294967295]`, `[1]`) or of a legacy
    /// `SupportedValues low=… high=…`, when they parse as integers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<(i64, i64)>,
    /// The ADMX policy named inside a dependency's allowed values. For the node's own allowed
    /// values it is moved to [`DdfNode::admx_backed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admx: Option<AdmxBacked>,
}

/// One allowed value and its description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Where an ADMX link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdmxBackedSource {
    /// `<MSFT:AllowedValues ValueType="ADMX"><MSFT:AdmxBacked Area Name File/>` (v2).
    AllowedValues,
    /// `<MSFT:ADMXBacked>file</…>` with `ADMXCategory` and `ADMXPolicyName` (legacy).
    LegacyAdmxBacked,
}

/// The ADMX policy an ADMX-backed node sets. Join to the ADMX index on (`file`, `name`), not on
/// `area` (mapping-notes: the area differs from the ADMX category chain about 21 times).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmxBacked {
    /// `Area` / `ADMXCategory`: `{AdmxBase}~AT~{category chain}`.
    pub area: Option<String>,
    /// `Name` / `ADMXPolicyName`: the ADMX policy `name`. Empty when the DDF omits it.
    pub name: String,
    /// `File` / `ADMXBacked`: the ADMX file name, case as written (`WCM.admx`).
    pub file: String,
    pub source: AdmxBackedSource,
}

/// Where a Group Policy mapping was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GpMappingSource {
    /// `<MSFT:GpMapping GpEnglishName GpAreaPath GpElement/>` (v2).
    GpMapping,
    /// `MSFT:ADMXMapped` (file) + `ADMXPolicyName` + `ADMXCategory` + `ADMXMappedElement` (legacy).
    AdmxMapped,
    /// `MSFT:GPDBMappedName` + `GPDBMappedCategory` (legacy; security and audit settings).
    GpDbMapped,
    /// `MSFT:GPRegistryMappedName` + `GPRegistryMappedCategory` (legacy; security options).
    GpRegistryMapped,
}

/// The Group Policy setting a native node mirrors. `english_name` is sometimes the ADMX `name`
/// and sometimes the English display name; `area_path` is sometimes the ADMX category form and
/// sometimes display text (formats.md §6.3): match against both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpMapping {
    pub english_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_path: Option<String>,
    /// `GpElement` / `ADMXMappedElement`: the ADMX element when the node maps to one element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// The ADMX file (legacy `ADMXMapped` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub source: GpMappingSource,
}

/// `MSFT:Deprecated`, with the build it was deprecated in when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deprecated {
    pub os_build: Option<String>,
}

/// `MSFT:DependencyGroup`: the node's allowed values change when other nodes hold some values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyGroup {
    pub friendly_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_allowed_values: Option<AllowedValues>,
    pub dependencies: Vec<Dependency>,
}

/// `MSFT:Dependency`: another node (URI as written, often without `./`) and the values it must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// `Type`, e.g. `DependsOn`.
    pub kind: Option<String>,
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_value: Option<AllowedValues>,
}

impl DdfNode {
    /// The scope the URI names: `./Device/…` → Device, `./User/…` → User, None for `./Vendor/…`
    /// (device by default) and other roots.
    pub fn scope(&self) -> Option<Scope> {
        uri_scope(&self.uri)
    }

    /// For a Policy CSP node `…/Policy/Config/{Area}/{Policy}` (or `Result`), the area.
    pub fn policy_area(&self) -> Option<&str> {
        let mut segments = after_vendor_msft(&self.uri)?.split('/');
        if !segments.next()?.eq_ignore_ascii_case("Policy") {
            return None;
        }
        let section = segments.next()?;
        if !(section.eq_ignore_ascii_case("Config") || section.eq_ignore_ascii_case("Result")) {
            return None;
        }
        let area = segments.next()?;
        segments.next()?;
        Some(area)
    }

    /// True for a `…/Policy/Result/…` node: the read-only effective value of a policy.
    pub fn is_policy_result(&self) -> bool {
        self.uri.to_ascii_lowercase().contains("/policy/result/")
    }

    /// True for a node that holds a value (its format is not `node`).
    pub fn is_leaf(&self) -> bool {
        self.format.as_deref() != Some("node")
    }
}

/// `./Device/…` → Device, `./User/…` → User, else None.
pub fn uri_scope(uri: &str) -> Option<Scope> {
    let rest = uri.strip_prefix("./").unwrap_or(uri);
    let first = rest.split('/').next()?;
    if first.eq_ignore_ascii_case("Device") {
        Some(Scope::Device)
    } else if first.eq_ignore_ascii_case("User") {
        Some(Scope::User)
    } else {
        None
    }
}

/// The part of a URI after `Vendor/MSFT/`, if it has one.
fn after_vendor_msft(uri: &str) -> Option<&str> {
    let lower = uri.to_ascii_lowercase();
    let at = lower.find("vendor/msft/")?;
    uri.get(at + "vendor/msft/".len()..)
}

/// The key of an ADMX policy in the DDF lookups: file and policy name, lower case, joined by a
/// control char that XML names cannot hold.
fn admx_key(file: &str, name: &str) -> String {
    format!("{}\u{1}{}", file.to_lowercase(), name.to_lowercase())
}

impl DdfNode {
    /// The [`admx_key`] of a settable (non-Result) node's `AdmxBacked` policy.
    fn admx_key(&self) -> Option<String> {
        let admx = self
            .admx_backed
            .as_ref()
            .filter(|_| !self.is_policy_result())?;
        Some(admx_key(&admx.file, &admx.name))
    }

    /// The lower-case GP English names a settable (non-Result) node mirrors.
    fn gp_name_keys(&self) -> impl Iterator<Item = String> + '_ {
        let gp_mappings = if self.is_policy_result() {
            &[][..]
        } else {
            &self.gp_mappings
        };
        gp_mappings.iter().map(|gp| gp.english_name.to_lowercase())
    }
}

/// DDF nodes in the order given, with lookups by URI, by ADMX policy and by Group Policy name.
/// Serialized as the list of nodes. In the embedded catalog the nodes stay packed, each decoded on
/// first use (see [`super::packed`]); the lookups are stored beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<DdfNode>", into = "Vec<DdfNode>")]
pub struct DdfIndex {
    index: IndexedList<DdfNode, DdfLookups>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct DdfLookups {
    /// By lower-case URI.
    by_uri: Positions,
    /// Settable (non-Result) nodes by [`DdfNode::admx_key`].
    by_admx: Positions,
    /// Settable (non-Result) nodes by [`DdfNode::gp_name_keys`].
    by_gp_name: Positions,
}

impl Lookups<DdfNode> for DdfLookups {
    fn build(nodes: &[DdfNode]) -> Self {
        let entries = || nodes.iter().enumerate();
        DdfLookups {
            by_uri: Positions::new(entries().map(|(i, n)| (n.uri.to_lowercase(), i))),
            by_admx: Positions::new(entries().filter_map(|(i, n)| Some((n.admx_key()?, i)))),
            by_gp_name: Positions::new(
                entries().flat_map(|(i, n)| n.gp_name_keys().map(move |key| (key, i))),
            ),
        }
    }
}

impl From<Vec<DdfNode>> for DdfIndex {
    fn from(nodes: Vec<DdfNode>) -> Self {
        DdfIndex::new(nodes)
    }
}

impl From<DdfIndex> for Vec<DdfNode> {
    fn from(index: DdfIndex) -> Self {
        index.index.into_items()
    }
}

impl DdfIndex {
    pub fn new(nodes: Vec<DdfNode>) -> Self {
        DdfIndex {
            index: IndexedList::new(nodes),
        }
    }

    /// The catalog file's two sections: the lookups, and the nodes packed.
    pub(super) fn to_sections(&self) -> Result<[Vec<u8>; 2], String> {
        self.index.to_sections()
    }

    /// Every node decoded from the packed section, the lookups rebuilt from them.
    pub(super) fn decode(packed: &[u8]) -> Result<Self, String> {
        IndexedList::decode(packed).map(|index| DdfIndex { index })
    }

    /// The stored lookups, the nodes left packed until used.
    pub(super) fn packed(lookups: &[u8], packed: &'static [u8]) -> Result<Self, String> {
        IndexedList::packed(lookups, packed).map(|index| DdfIndex { index })
    }

    pub fn nodes(&self) -> &[DdfNode] {
        self.index.items.all()
    }

    /// The node with this URI: the one spelled exactly so, else the only one that matches
    /// ignoring case.
    pub fn get(&self, uri: &str) -> Option<&DdfNode> {
        let key = uri.to_lowercase();
        let hits = self.with_key(&self.index.lookups.by_uri, &key, |n| {
            n.uri.to_lowercase() == key
        });
        hits.iter()
            .find(|n| n.uri == uri)
            .or_else(|| if hits.len() == 1 { hits.first() } else { None })
            .copied()
    }

    /// The settable nodes backed by this ADMX policy (file and name compared ignoring case), in
    /// order: usually one, sometimes an `ADMX_` node and a native one (mapping-notes).
    pub fn by_admx(&self, file: &str, name: &str) -> Vec<&DdfNode> {
        let key = admx_key(file, name);
        self.with_key(&self.index.lookups.by_admx, &key, |n| {
            n.admx_key().as_ref() == Some(&key)
        })
    }

    /// The settable nodes whose Group Policy mapping names this policy (`GpEnglishName` or a
    /// legacy mapped name, compared ignoring case). The name may be an ADMX name or an English
    /// display name: try both.
    pub fn by_gp_name(&self, name: &str) -> Vec<&DdfNode> {
        let key = name.to_lowercase();
        self.with_key(&self.index.lookups.by_gp_name, &key, |n| {
            n.gp_name_keys().any(|k| k == key)
        })
    }

    /// The nodes a lookup gives for `key` that `is_key` confirms, in order.
    fn with_key(
        &self,
        lookup: &Positions,
        key: &str,
        is_key: impl Fn(&DdfNode) -> bool,
    ) -> Vec<&DdfNode> {
        lookup
            .candidates(key)
            .filter_map(|i| self.index.items.get(i))
            .filter(|n| is_key(n))
            .collect()
    }
}

/// Nodes read from one DDF document, in document order, and what was odd about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DdfDocument {
    pub nodes: Vec<DdfNode>,
    /// Problems that did not stop the reading (a node without `NodeName`, an ADMX link without a
    /// policy name), with the node's URI.
    pub warnings: Vec<String>,
}

/// Reads one DDF file's bytes (any encoding [`text::decode`] knows).
pub fn read_ddf(bytes: &[u8]) -> Result<DdfDocument, String> {
    let text = text::decode_text(bytes);
    let root = xml::parse(&text).map_err(|e| e.to_string())?;
    if root.name != "MgmtTree" {
        return Err(format!("root element is <{}>, not <MgmtTree>", root.name));
    }
    let flavor = if root.descendants().iter().any(|e| is_legacy_element(e)) {
        DdfFlavor::Legacy
    } else {
        DdfFlavor::V2
    };
    let mut doc = DdfDocument::default();
    for top in root.children_named("Node") {
        let path = top.child_text("Path").unwrap_or(".").trim_end_matches('/');
        let top_name = top.child_text("NodeName").unwrap_or_default();
        let csp = csp_name(path, top_name);
        walk(top, path, &csp, flavor, &mut doc);
    }
    if flavor == DdfFlavor::Legacy {
        copy_result_metadata(&mut doc.nodes);
    }
    Ok(doc)
}

/// Gives each legacy Config node without metadata the metadata of its Result twin.
fn copy_result_metadata(nodes: &mut [DdfNode]) {
    const CONFIG: &str = "/Policy/Config/";
    const RESULT: &str = "/Policy/Result/";
    let results: BTreeMap<String, usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.uri.contains(RESULT))
        .map(|(i, n)| (n.uri.clone(), i))
        .collect();
    for i in 0..nodes.len() {
        let Some(node) = nodes.get(i) else { continue };
        if !node.uri.contains(CONFIG) || has_metadata(node) {
            continue;
        }
        let twin_uri = node.uri.replacen(CONFIG, RESULT, 1);
        let Some(twin) = results.get(&twin_uri).and_then(|&t| nodes.get(t)) else {
            continue;
        };
        if !has_metadata(twin) {
            continue;
        }
        let twin = twin.clone();
        let Some(node) = nodes.get_mut(i) else {
            continue;
        };
        node.default_value = node.default_value.take().or(twin.default_value);
        node.allowed_values = twin.allowed_values;
        node.admx_backed = twin.admx_backed;
        node.gp_mappings = twin.gp_mappings;
        node.list_delimiter = twin.list_delimiter;
        node.conflict_resolution = twin.conflict_resolution;
        node.not_supported_on = twin.not_supported_on;
        if node.applicability.is_empty() {
            node.applicability = twin.applicability;
        }
        node.metadata_from = Some(twin_uri);
    }
}

fn has_metadata(node: &DdfNode) -> bool {
    node.allowed_values.is_some()
        || node.admx_backed.is_some()
        || !node.gp_mappings.is_empty()
        || node.conflict_resolution.is_some()
        || node.list_delimiter.is_some()
        || !node.not_supported_on.is_empty()
}

fn is_legacy_element(e: &Element) -> bool {
    e.ns == MSFT_NS
        && matches!(
            e.name.as_str(),
            "ADMXBacked"
                | "ADMXMapped"
                | "ADMXPolicyName"
                | "ADMXCategory"
                | "GPDBMappedName"
                | "GPRegistryMappedName"
                | "SupportedValues"
                | "NotSupportedOnPlatform"
        )
}

/// The CSP a top-level node belongs to: an area file's top node (`ADMX_WCM` under
/// `./Device/Vendor/MSFT/Policy/Config`) belongs to `Policy`.
fn csp_name(path: &str, top_name: &str) -> String {
    match after_vendor_msft(&format!("{path}/")) {
        Some(rest) if !rest.is_empty() => rest.split('/').next().unwrap_or(top_name).to_string(),
        _ => top_name.to_string(),
    }
}

/// Reads `top` and every `Node` below it in document order. Iterative, so that a deeply nested
/// document cannot exhaust the stack.
fn walk(top: &Element, path: &str, csp: &str, flavor: DdfFlavor, doc: &mut DdfDocument) {
    let mut stack = vec![(top, path.to_string())];
    while let Some((node, parent_uri)) = stack.pop() {
        let uri = read_node(node, &parent_uri, csp, flavor, doc);
        let children: Vec<_> = node.children_named("Node").collect();
        stack.extend(children.into_iter().rev().map(|c| (c, uri.clone())));
    }
}

/// Appends one node to `doc` and returns its URI.
fn read_node(
    node: &Element,
    parent_uri: &str,
    csp: &str,
    flavor: DdfFlavor,
    doc: &mut DdfDocument,
) -> String {
    let props = node.child("DFProperties");
    let node_name = node.child_text("NodeName").unwrap_or_default();
    let dynamic = node_name.is_empty();
    let name = if dynamic {
        let title = props
            .and_then(|p| p.child_text("DFTitle"))
            .unwrap_or_default();
        format!("{{{title}}}")
    } else {
        node_name.to_string()
    };
    let uri = format!("{parent_uri}/{name}");
    if node.child("NodeName").is_none() {
        doc.warnings.push(format!("{uri}: node without <NodeName>"));
    }
    let mut out = DdfNode {
        uri: uri.clone(),
        csp: csp.to_string(),
        name,
        dynamic,
        flavor,
        format: None,
        access: AccessTypes::default(),
        default_value: None,
        occurrence: None,
        node_scope: None,
        applicability: Applicability::default(),
        allowed_values: None,
        admx_backed: None,
        gp_mappings: Vec::new(),
        list_delimiter: None,
        deprecated: None,
        conflict_resolution: None,
        reboot_behavior: None,
        replace_behavior: None,
        atomic_required: false,
        dependency_groups: Vec::new(),
        not_supported_on: Vec::new(),
        metadata_from: None,
    };
    if let Some(props) = props {
        read_properties(props, &mut out, &mut doc.warnings);
    }
    doc.nodes.push(out);
    uri
}

/// The local name of the first child element (`<DFFormat><int/></DFFormat>` → `int`).
fn first_child_name(e: &Element) -> Option<String> {
    e.children.first().map(|c| c.name.clone())
}

fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn msft_child<'a>(e: &'a Element, name: &str) -> Option<&'a Element> {
    e.children
        .iter()
        .find(|c| c.ns == MSFT_NS && c.name == name)
}

fn msft_text(e: &Element, name: &str) -> Option<String> {
    msft_child(e, name).and_then(|c| non_empty(&c.text))
}

fn read_properties(props: &Element, out: &mut DdfNode, warnings: &mut Vec<String>) {
    out.format = props.child("DFFormat").and_then(first_child_name);
    if let Some(access) = props.child("AccessType") {
        for a in &access.children {
            match a.name.as_str() {
                "Add" => out.access.add = true,
                "Delete" => out.access.delete = true,
                "Get" => out.access.get = true,
                "Replace" => out.access.replace = true,
                "Exec" => out.access.exec = true,
                _ => {}
            }
        }
    }
    out.default_value = props
        .child("DefaultValue")
        .map(|d| d.text.trim().to_string());
    out.occurrence = props.child("Occurrence").and_then(first_child_name);
    out.node_scope = props.child("Scope").and_then(first_child_name);

    if let Some(app) = msft_child(props, "Applicability") {
        out.applicability = Applicability {
            os_build_versions: split_list(
                &msft_text(app, "OsBuildVersion").unwrap_or_default(),
                ',',
            ),
            csp_version: msft_text(app, "CspVersion"),
            edition_allow_list: split_list(
                &msft_text(app, "EditionAllowList").unwrap_or_default(),
                ';',
            ),
        };
    } else if let Some(start) = msft_text(props, "StartOSVerison") {
        out.applicability.os_build_versions = vec![start];
    }

    if let Some(av) = msft_child(props, "AllowedValues") {
        let mut allowed = read_allowed_values(av);
        if let Some(list) = msft_child(av, "List") {
            out.list_delimiter = list.attr("Delimiter").map(str::to_string);
        }
        out.admx_backed = allowed.admx.take();
        out.allowed_values = Some(allowed);
    } else if let Some(sv) = msft_child(props, "SupportedValues") {
        out.allowed_values = Some(read_supported_values(sv));
    }
    if let Some(list) = msft_child(props, "List") {
        out.list_delimiter = list.attr("Delimiter").map(str::to_string);
    } else if let Some(sep) = msft_child(props, "SubStringSeparatorChar") {
        out.list_delimiter = non_empty(&sep.text);
    }

    read_legacy_admx(props, out, warnings);

    for gp in props
        .children
        .iter()
        .filter(|c| c.ns == MSFT_NS && c.name == "GpMapping")
    {
        out.gp_mappings.push(GpMapping {
            english_name: gp.attr("GpEnglishName").unwrap_or_default().to_string(),
            area_path: gp.attr("GpAreaPath").map(str::to_string),
            element: gp.attr("GpElement").map(str::to_string),
            file: None,
            source: GpMappingSource::GpMapping,
        });
    }
    for (name_tag, category_tag, source) in [
        (
            "GPDBMappedName",
            "GPDBMappedCategory",
            GpMappingSource::GpDbMapped,
        ),
        (
            "GPRegistryMappedName",
            "GPRegistryMappedCategory",
            GpMappingSource::GpRegistryMapped,
        ),
    ] {
        if let Some(name) = msft_text(props, name_tag) {
            out.gp_mappings.push(GpMapping {
                english_name: name,
                area_path: msft_text(props, category_tag),
                element: None,
                file: None,
                source,
            });
        }
    }

    if let Some(dep) = msft_child(props, "Deprecated") {
        out.deprecated = Some(Deprecated {
            os_build: dep.attr("OsBuildDeprecated").and_then(non_empty),
        });
    }
    out.conflict_resolution = msft_text(props, "ConflictResolution");
    out.reboot_behavior = msft_text(props, "RebootBehavior");
    out.replace_behavior = msft_text(props, "ReplaceBehavior");
    out.atomic_required = msft_child(props, "AtomicRequired").is_some();
    out.not_supported_on = props
        .children
        .iter()
        .filter(|c| c.ns == MSFT_NS && c.name == "NotSupportedOnPlatform")
        .filter_map(|c| non_empty(&c.text))
        .collect();
    if let Some(behavior) = msft_child(props, "DependencyBehavior") {
        out.dependency_groups = behavior
            .children
            .iter()
            .filter(|g| g.ns == MSFT_NS && g.name == "DependencyGroup")
            .map(read_dependency_group)
            .collect();
    }
}

/// Legacy `ADMXBacked` (an ADMX-backed node) and `ADMXMapped` (a native node mirroring a policy).
fn read_legacy_admx(props: &Element, out: &mut DdfNode, warnings: &mut Vec<String>) {
    let category = msft_text(props, "ADMXCategory");
    let policy = msft_text(props, "ADMXPolicyName");
    if let Some(file) = msft_text(props, "ADMXBacked") {
        if policy.is_none() {
            warnings.push(format!("{}: ADMXBacked without ADMXPolicyName", out.uri));
        }
        if out.admx_backed.is_some() {
            warnings.push(format!(
                "{}: both AdmxBacked and ADMXBacked; kept AdmxBacked",
                out.uri
            ));
        } else {
            out.admx_backed = Some(AdmxBacked {
                area: category.clone(),
                name: policy.clone().unwrap_or_default(),
                file,
                source: AdmxBackedSource::LegacyAdmxBacked,
            });
        }
    }
    if let Some(file) = msft_text(props, "ADMXMapped") {
        match &policy {
            Some(name) => out.gp_mappings.push(GpMapping {
                english_name: name.clone(),
                area_path: category,
                element: msft_text(props, "ADMXMappedElement"),
                file: Some(file),
                source: GpMappingSource::AdmxMapped,
            }),
            None => warnings.push(format!("{}: ADMXMapped without ADMXPolicyName", out.uri)),
        }
    }
}

fn split_list(text: &str, sep: char) -> Vec<String> {
    text.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn read_allowed_values(av: &Element) -> AllowedValues {
    let value_type = ValueType::parse(av.attr("ValueType").unwrap_or("None"));
    let values = av
        .children
        .iter()
        .filter(|c| c.ns == MSFT_NS && c.name == "Enum")
        .map(|e| EnumValue {
            value: msft_child(e, "Value")
                .map(|v| v.text.trim().to_string())
                .unwrap_or_default(),
            description: msft_text(e, "ValueDescription").unwrap_or_default(),
        })
        .collect();
    let raw = msft_child(av, "Value").map(|v| v.text.trim().to_string());
    let range = match value_type {
        ValueType::Range => raw.as_deref().and_then(parse_range),
        _ => None,
    };
    let text = match value_type {
        ValueType::Xsd => None,
        _ => raw,
    };
    let admx = msft_child(av, "AdmxBacked").map(|a| AdmxBacked {
        area: a.attr("Area").map(str::to_string),
        name: a.attr("Name").unwrap_or_default().to_string(),
        file: a.attr("File").unwrap_or_default().to_string(),
        source: AdmxBackedSource::AllowedValues,
    });
    AllowedValues {
        value_type,
        values,
        text,
        range,
        admx,
    }
}

/// Legacy `<MSFT:SupportedValues low="0" high="1">` or `AllowedValues="0,1,65535"`, with optional
/// `<MSFT:SupportedValue value description/>` children.
fn read_supported_values(sv: &Element) -> AllowedValues {
    let mut values: Vec<EnumValue> = sv
        .children
        .iter()
        .filter(|c| c.ns == MSFT_NS && c.name == "SupportedValue")
        .map(|c| EnumValue {
            value: c.attr("value").unwrap_or_default().trim().to_string(),
            description: c.attr("description").unwrap_or_default().trim().to_string(),
        })
        .collect();
    if values.is_empty() {
        values = split_list(sv.attr("AllowedValues").unwrap_or_default(), ',')
            .into_iter()
            .map(|value| EnumValue {
                value,
                description: String::new(),
            })
            .collect();
    }
    let range = match (sv.attr("low"), sv.attr("high")) {
        (Some(low), Some(high)) => low.trim().parse().ok().zip(high.trim().parse().ok()),
        _ => None,
    };
    let value_type = if range.is_some() && sv.attr("AllowedValues").is_none() {
        ValueType::Range
    } else {
        ValueType::Enum
    };
    AllowedValues {
        value_type,
        values,
        text: None,
        range,
        admx: None,
    }
}

fn read_dependency_group(group: &Element) -> DependencyGroup {
    DependencyGroup {
        friendly_id: group.attr("FriendlyId").map(str::to_string),
        changed_allowed_values: msft_child(group, "DependencyChangedAllowedValues")
            .map(read_allowed_values),
        dependencies: group
            .children
            .iter()
            .filter(|d| d.ns == MSFT_NS && d.name == "Dependency")
            .map(|d| Dependency {
                kind: d.attr("Type").map(str::to_string),
                uri: msft_text(d, "DependencyUri").unwrap_or_default(),
                allowed_value: msft_child(d, "DependencyAllowedValue").map(read_allowed_values),
            })
            .collect(),
    }
}

/// Parses a DDF range: `[0-365]`, `[(-1)-4294967295]`, `[1]` (a single value).
pub fn parse_range(text: &str) -> Option<(i64, i64)> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let (low, rest) = take_bound(inner)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Some((low, low));
    }
    let (high, tail) = take_bound(rest.strip_prefix('-')?.trim())?;
    tail.trim().is_empty().then_some((low, high))
}

/// One bound, either a plain integer or a parenthesized one (`(-1)`), and what follows it.
fn take_bound(text: &str) -> Option<(i64, &str)> {
    if let Some(inner) = text.strip_prefix('(') {
        let close = inner.find(')')?;
        let value = inner.get(..close)?.trim().parse().ok()?;
        return Some((value, inner.get(close + 1..)?));
    }
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '+')))
        .map_or(text.len(), |(i, _)| i);
    let value = text.get(..end)?.parse().ok()?;
    Some((value, text.get(end..)?))
}

/// Every node of every `*.xml` DDF file directly in `dir`, files in name order and nodes in
/// document order. Files that cannot be read are returned as errors; the schemas (`*.xsd`) and
/// licence files are not DDF and are skipped.
pub fn read_ddf_dir(dir: &Path) -> (Vec<DdfNode>, Vec<InputError>) {
    let mut nodes = Vec::new();
    let mut errors = Vec::new();
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
            .collect(),
        Err(e) => {
            errors.push(InputError::new(dir, e.to_string()));
            return (nodes, errors);
        }
    };
    files.sort();
    for path in files {
        match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| read_ddf(&bytes))
        {
            Ok(doc) => {
                errors.extend(doc.warnings.into_iter().map(|w| InputError::new(&path, w)));
                nodes.extend(doc.nodes);
            }
            Err(reason) => errors.push(InputError::new(&path, reason)),
        }
    }
    (nodes, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE MgmtTree PUBLIC " -//OMA//DTD-DM-DDF 1.2//EN"
  "http://www.openmobilealliance.org/tech/DTD/DM_DDF-V1_2.dtd"
  [<?oma-dm-ddf-ver supported-versions="1.2"?>]>
<MgmtTree xmlns:MSFT="http://schemas.microsoft.com/MobileDevice/DM">
  <VerDTD>1.2</VerDTD>
  <Node>
    <NodeName>Calc</NodeName>
    <Path>./Device/Vendor/MSFT/Policy/Config</Path>
    <DFProperties><AccessType><Get /></AccessType><DFFormat><node /></DFFormat></DFProperties>
    <Node>
      <NodeName>AllowGraphingCalculator</NodeName>
      <DFProperties>
        <AccessType><Add /><Delete /><Get /><Replace /></AccessType>
        <DefaultValue>1</DefaultValue>
        <Description>Long text that is not kept.</Description>
        <DFFormat><int /></DFFormat>
        <Occurrence><ZeroOrOne /></Occurrence>
        <Scope><Dynamic /></Scope>
        <MSFT:Applicability>
          <MSFT:OsBuildVersion>10.0.22000, 10.0.19043.1202</MSFT:OsBuildVersion>
          <MSFT:CspVersion>1.0</MSFT:CspVersion>
          <MSFT:EditionAllowList>0x4;0x1B;</MSFT:EditionAllowList>
        </MSFT:Applicability>
        <MSFT:AllowedValues ValueType="ENUM">
          <MSFT:Enum><MSFT:Value>0</MSFT:Value><MSFT:ValueDescription>Disabled.</MSFT:ValueDescription></MSFT:Enum>
          <MSFT:Enum><MSFT:Value>1</MSFT:Value><MSFT:ValueDescription>Enabled.</MSFT:ValueDescription></MSFT:Enum>
        </MSFT:AllowedValues>
        <MSFT:GpMapping GpEnglishName="AllowGraphingCalculator" GpAreaPath="Programs~AT~WindowsComponents~Calculator" />
        <MSFT:Deprecated OsBuildDeprecated="10.0.26100" />
        <MSFT:ConflictResolution>LowestValueMostSecure</MSFT:ConflictResolution>
      </DFProperties>
    </Node>
    <Node>
      <NodeName></NodeName>
      <DFProperties>
        <DFFormat><chr /></DFFormat>
        <DFTitle>RuleName</DFTitle>
        <MSFT:AllowedValues ValueType="Range"><MSFT:Value>[(-1)-4294967295]</MSFT:Value></MSFT:AllowedValues>
        <MSFT:List Delimiter="0xF000" />
      </DFProperties>
    </Node>
  </Node>
</MgmtTree>"#;

    #[test]
    fn reads_a_v2_area() {
        let doc = read_ddf(V2.as_bytes()).unwrap();
        assert_eq!(doc.nodes.len(), 3);
        let n = &doc.nodes[1];
        assert_eq!(
            n.uri,
            "./Device/Vendor/MSFT/Policy/Config/Calc/AllowGraphingCalculator"
        );
        assert_eq!(n.csp, "Policy");
        assert_eq!(n.policy_area(), Some("Calc"));
        assert_eq!(n.scope(), Some(Scope::Device));
        assert_eq!(n.flavor, DdfFlavor::V2);
        assert_eq!(n.format.as_deref(), Some("int"));
        assert!(n.access.add && n.access.replace && !n.access.exec);
        assert_eq!(n.default_value.as_deref(), Some("1"));
        assert_eq!(n.occurrence.as_deref(), Some("ZeroOrOne"));
        assert_eq!(n.applicability.min_os_build(), Some("10.0.19043.1202"));
        assert_eq!(n.applicability.edition_allow_list, ["0x4", "0x1B"]);
        let av = n.allowed_values.as_ref().unwrap();
        assert_eq!(av.value_type, ValueType::Enum);
        assert_eq!(av.values[1].value, "1");
        assert_eq!(av.values[1].description, "Enabled.");
        assert_eq!(
            n.gp_mappings[0].area_path.as_deref(),
            Some("Programs~AT~WindowsComponents~Calculator")
        );
        assert_eq!(
            n.deprecated.as_ref().unwrap().os_build.as_deref(),
            Some("10.0.26100")
        );
        let d = &doc.nodes[2];
        assert_eq!(d.uri, "./Device/Vendor/MSFT/Policy/Config/Calc/{RuleName}");
        assert!(d.dynamic);
        assert_eq!(
            d.allowed_values.as_ref().unwrap().range,
            Some((-1, 4_294_967_295))
        );
        assert_eq!(d.list_delimiter.as_deref(), Some("0xF000"));
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("[0-365]"), Some((0, 365)));
        assert_eq!(parse_range("[1]"), Some((1, 1)));
        assert_eq!(parse_range("[(-1)-4294967295]"), Some((-1, 4_294_967_295)));
        assert_eq!(parse_range("[(-5)-(-1)]"), Some((-5, -1)));
        assert_eq!(parse_range("0-365"), None);
        assert_eq!(parse_range("[a-b]"), None);
        assert_eq!(parse_range("[1-2x]"), None);
    }

    #[test]
    fn reads_legacy_admx_and_gp_mappings() {
        let doc = r#"<MgmtTree xmlns:MSFT="http://schemas.microsoft.com/MobileDevice/DM">
  <Node><NodeName>Policy</NodeName><Path>./User/Vendor/MSFT</Path>
    <Node><NodeName>Config</NodeName>
      <Node><NodeName>AttachmentManager</NodeName>
        <Node><NodeName>DoNotPreserveZoneInformation</NodeName>
          <DFProperties><DFFormat><chr/></DFFormat>
            <MSFT:NotSupportedOnPlatform>phone</MSFT:NotSupportedOnPlatform>
            <MSFT:ADMXBacked>AttachmentManager.admx</MSFT:ADMXBacked>
            <MSFT:ADMXCategory>AttachmentManager~AT~WindowsComponents~AM_AM</MSFT:ADMXCategory>
            <MSFT:ADMXPolicyName>AM_MarkZoneOnSavedAtttachments</MSFT:ADMXPolicyName>
          </DFProperties></Node>
        <Node><NodeName>Cookies</NodeName>
          <DFProperties><DFFormat><int/></DFFormat>
            <MSFT:SupportedValues low="0" high="2"><MSFT:SupportedValue value="0" description="Block all"/></MSFT:SupportedValues>
            <MSFT:StartOSVerison>10.0.10240</MSFT:StartOSVerison>
            <MSFT:ADMXMapped>MicrosoftEdge.admx</MSFT:ADMXMapped>
            <MSFT:ADMXMappedElement>CookiesListBox</MSFT:ADMXMappedElement>
            <MSFT:ADMXCategory>MicrosoftEdge~AT~WindowsComponents~MicrosoftEdge</MSFT:ADMXCategory>
            <MSFT:ADMXPolicyName>Cookies</MSFT:ADMXPolicyName>
            <MSFT:SubStringSeparatorChar>;</MSFT:SubStringSeparatorChar>
          </DFProperties></Node>
        <Node><NodeName>AuditCredentialValidation</NodeName>
          <DFProperties><DFFormat><int/></DFFormat>
            <MSFT:SupportedValues AllowedValues="0,1,2,3"></MSFT:SupportedValues>
            <MSFT:GPDBMappedCategory>Windows Settings~Security Settings</MSFT:GPDBMappedCategory>
            <MSFT:GPDBMappedName>Audit Credential Validation</MSFT:GPDBMappedName>
          </DFProperties></Node>
      </Node></Node></Node></MgmtTree>"#;
        let doc = read_ddf(doc.as_bytes()).unwrap();
        assert!(doc.warnings.is_empty());
        let backed = &doc.nodes[3];
        assert_eq!(backed.flavor, DdfFlavor::Legacy);
        assert_eq!(backed.scope(), Some(Scope::User));
        let admx = backed.admx_backed.as_ref().unwrap();
        assert_eq!(
            (admx.file.as_str(), admx.name.as_str(), admx.source),
            (
                "AttachmentManager.admx",
                "AM_MarkZoneOnSavedAtttachments",
                AdmxBackedSource::LegacyAdmxBacked
            )
        );
        assert_eq!(backed.not_supported_on, ["phone"]);
        let mapped = &doc.nodes[4];
        assert!(mapped.admx_backed.is_none());
        let gp = &mapped.gp_mappings[0];
        assert_eq!(gp.source, GpMappingSource::AdmxMapped);
        assert_eq!(gp.element.as_deref(), Some("CookiesListBox"));
        assert_eq!(gp.file.as_deref(), Some("MicrosoftEdge.admx"));
        let av = mapped.allowed_values.as_ref().unwrap();
        assert_eq!(
            (av.value_type.clone(), av.range),
            (ValueType::Range, Some((0, 2)))
        );
        assert_eq!(av.values[0].description, "Block all");
        assert_eq!(mapped.applicability.os_build_versions, ["10.0.10240"]);
        assert_eq!(mapped.list_delimiter.as_deref(), Some(";"));
        let audit = &doc.nodes[5];
        assert_eq!(audit.gp_mappings[0].source, GpMappingSource::GpDbMapped);
        let av = audit.allowed_values.as_ref().unwrap();
        assert_eq!(av.value_type, ValueType::Enum);
        assert_eq!(av.values.len(), 4);
    }

    #[test]
    fn legacy_config_nodes_take_the_result_metadata() {
        let doc = r#"<MgmtTree xmlns:MSFT="http://schemas.microsoft.com/MobileDevice/DM">
  <Node><NodeName>Policy</NodeName><Path>./Device/Vendor/MSFT</Path>
    <Node><NodeName>Config</NodeName><Node><NodeName>WCM</NodeName>
      <Node><NodeName>Block</NodeName><DFProperties><DFFormat><chr/></DFFormat></DFProperties></Node>
    </Node></Node>
    <Node><NodeName>Result</NodeName><Node><NodeName>WCM</NodeName>
      <Node><NodeName>Block</NodeName><DFProperties><DFFormat><chr/></DFFormat>
        <MSFT:ADMXBacked>WCM.admx</MSFT:ADMXBacked>
        <MSFT:ADMXCategory>WCM~AT~Network~WCM_Category</MSFT:ADMXCategory>
        <MSFT:ADMXPolicyName>WCM_BlockNonDomain</MSFT:ADMXPolicyName>
      </DFProperties></Node>
    </Node></Node>
  </Node></MgmtTree>"#;
        let doc = read_ddf(doc.as_bytes()).unwrap();
        let config = &doc.nodes[3];
        assert_eq!(config.uri, "./Device/Vendor/MSFT/Policy/Config/WCM/Block");
        assert_eq!(
            config.admx_backed.as_ref().unwrap().name,
            "WCM_BlockNonDomain"
        );
        assert_eq!(
            config.metadata_from.as_deref(),
            Some("./Device/Vendor/MSFT/Policy/Result/WCM/Block")
        );
        assert!(doc.nodes[6].metadata_from.is_none());
    }

    #[test]
    fn deep_nesting_keeps_document_order() {
        let depth = 200;
        let doc = format!(
            "<MgmtTree><Node><NodeName>A</NodeName><Path>.</Path>{}{}<Node><NodeName>Z</NodeName></Node></Node></MgmtTree>",
            "<Node><NodeName>n</NodeName>".repeat(depth),
            "</Node>".repeat(depth)
        );
        let doc = read_ddf(doc.as_bytes()).unwrap();
        assert_eq!(doc.nodes.len(), depth + 2);
        assert_eq!(doc.nodes[depth + 1].uri, "./A/Z");
        assert!(doc.nodes[depth].uri.ends_with("/n/n"));
    }

    #[test]
    fn csp_names() {
        assert_eq!(csp_name("./Device/Vendor/MSFT", "BitLocker"), "BitLocker");
        assert_eq!(
            csp_name("./Device/Vendor/MSFT/Policy/Config", "ADMX_WCM"),
            "Policy"
        );
        assert_eq!(csp_name(".", "DevDetail"), "DevDetail");
        assert_eq!(csp_name("./Vendor/MSFT", "Firewall"), "Firewall");
    }

    #[test]
    fn not_a_ddf() {
        assert!(read_ddf(b"<GPO/>").is_err());
        assert!(read_ddf(b"").is_err());
    }
}
