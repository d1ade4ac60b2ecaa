//! When a mapped Administrative Templates policy is Deprecated, and the notes a retired product's
//! policies carry when it is not.
//!
//! A policy is Deprecated only on evidence that it no longer acts: (1) the DDF deprecates its CSP
//! node, (2) the settings catalog deprecates its definition, (3) its template files it under a
//! deprecated or removed category (Chrome's `DeprecatedPolicies` / `RemovedPolicies`, as ADMX
//! category names or as the category segments of an ingested definition id), or (4) its
//! `supportedOn` text has an upper bound before Windows 10 (`Windows Vista only`, `… through
//! Windows 8.1`), before Internet Explorer 11, or on the product's own version (`Microsoft Edge
//! version 77-97`: removed in Edge 98). "X or later" never makes a policy Deprecated, and neither
//! does a product other than Windows (`Firefox 60 or later`, `Adobe Reader DC`).
//!
//! Internet Explorer policies are not Deprecated for being Internet Explorer's: Edge's IE mode
//! runs the MSHTML engine under the same zone and security policies, the settings catalog keeps
//! them current, and Microsoft's Windows 11 security baseline for Intune still sets them. The
//! legacy (EdgeHTML) Edge is retired, but its policies are deprecated only on the same evidence.
//!
//! The catalog keeps each policy's `supportedOn` as its English text only (the `<or>`/`<range
//! maxVersionIndex>` structure of the ADMX `supportedOn` definitions is not stored), so rule (4)
//! reads the text, the way the ADML writes the bounds: `only`, `through`, `to`, `Not supported
//! on Windows 10`, or a closed list of releases before Windows 10.

use crate::catalog::Catalog;
use crate::catalog::admx::AdmxPolicy;

/// Why a mapped policy is Deprecated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeprecationReason {
    /// The DDF marks the CSP node deprecated (`MSFT:Deprecated`), as of a build when it says.
    DdfNode {
        uri: String,
        os_build: Option<String>,
    },
    /// The settings catalog names the definition `[Deprecated] …` or `… (Deprecated)`.
    Definition { id: String, display_name: String },
    /// The template (or the ingested definition id) puts the policy in this category.
    DeprecatedCategory { category: String },
    /// The policy's `supportedOn` ends before a release that is still supported.
    SupportedOnlyBefore {
        supported_on: String,
        limit: SupportLimit,
    },
}

/// The upper bound a `supportedOn` text sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportLimit {
    /// Only Windows releases before Windows 10 (and Windows Server 2016).
    WindowsBefore10,
    /// Only Internet Explorer versions before 11, the one Edge's IE mode runs.
    InternetExplorerBefore11,
    /// A closed range of the product's own versions (`Microsoft Edge version 77-97`).
    ProductVersions { product: String, last: String },
}

/// A note for a policy of a retired product that is not Deprecated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetiredProductNote {
    /// An Internet Explorer policy: it acts through Microsoft Edge's IE mode.
    InternetExplorerMode,
    /// A policy of the legacy (EdgeHTML) Microsoft Edge (MicrosoftEdge.admx).
    LegacyEdge,
}

/// Whether a mapped policy is Deprecated, and the note its product carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lifecycle {
    pub deprecated: Option<DeprecationReason>,
    /// Set only when `deprecated` is None.
    pub note: Option<RetiredProductNote>,
}

impl DeprecationReason {
    /// The reason in words, for the row's Reason column.
    pub fn text(&self) -> String {
        match self {
            DeprecationReason::DdfNode {
                uri,
                os_build: Some(build),
            } => format!("the DDF marks {uri} deprecated as of build {build}"),
            DeprecationReason::DdfNode {
                uri,
                os_build: None,
            } => {
                format!("the DDF marks {uri} deprecated")
            }
            DeprecationReason::Definition { id, display_name } => {
                format!("the settings catalog marks {id} deprecated (\"{display_name}\")")
            }
            DeprecationReason::DeprecatedCategory { category } => {
                format!("the template files it under the deprecated category \"{category}\"")
            }
            DeprecationReason::SupportedOnlyBefore {
                supported_on,
                limit,
            } => {
                let bound = match limit {
                    SupportLimit::WindowsBefore10 => "Windows releases before Windows 10".into(),
                    SupportLimit::InternetExplorerBefore11 => {
                        "Internet Explorer versions before 11".into()
                    }
                    SupportLimit::ProductVersions { product, last } => {
                        format!("{product} up to version {last}")
                    }
                };
                format!("the template supports it only on {bound} (\"{supported_on}\")")
            }
        }
    }
}

impl RetiredProductNote {
    pub fn text(self) -> &'static str {
        match self {
            RetiredProductNote::InternetExplorerMode => {
                "Internet Explorer 11 is retired, but this policy still acts through Microsoft Edge's IE mode (MSHTML)"
            }
            RetiredProductNote::LegacyEdge => {
                "the legacy (EdgeHTML) Microsoft Edge is retired; the msedge.admx policies govern the current Edge"
            }
        }
    }
}

/// The lifecycle of a mapped policy: `uri` and `definition` are the row's CSP node and settings
/// catalog definition, when it has them.
pub fn lifecycle(
    catalog: &Catalog,
    policy: Option<&AdmxPolicy>,
    uri: Option<&str>,
    definition: Option<&str>,
) -> Lifecycle {
    let deprecated = ddf_deprecation(catalog, uri)
        .or_else(|| definition_deprecation(catalog, definition))
        .or_else(|| policy.and_then(category_deprecation))
        .or_else(|| definition.and_then(definition_category_deprecation))
        .or_else(|| {
            let text = policy?.supported_on.as_deref()?;
            supported_only_before(text).map(|limit| DeprecationReason::SupportedOnlyBefore {
                supported_on: text.trim().to_string(),
                limit,
            })
        });
    let note = match (&deprecated, policy) {
        (None, Some(p)) if is_internet_explorer(p) => {
            Some(RetiredProductNote::InternetExplorerMode)
        }
        (None, Some(p)) if p.file_base.eq_ignore_ascii_case("MicrosoftEdge") => {
            Some(RetiredProductNote::LegacyEdge)
        }
        _ => None,
    };
    Lifecycle { deprecated, note }
}

fn ddf_deprecation(catalog: &Catalog, uri: Option<&str>) -> Option<DeprecationReason> {
    let node = catalog.csp_node(uri?)?;
    let deprecated = node.deprecated.as_ref()?;
    Some(DeprecationReason::DdfNode {
        uri: node.uri.clone(),
        os_build: deprecated.os_build.clone(),
    })
}

/// The settings catalog marks a retired definition in its display name
/// (`[Deprecated] Interactive Logon Machine Inactivity Limit (Deprecated)`).
pub fn definition_deprecation(catalog: &Catalog, id: Option<&str>) -> Option<DeprecationReason> {
    let def = catalog.definition(id?)?;
    def.is_deprecated().then(|| DeprecationReason::Definition {
        id: def.id.clone(),
        display_name: def.display_name.clone(),
    })
}

/// Whether a category name or display name says its policies are gone: Chrome's
/// `DeprecatedPolicies` and `RemovedPolicies`, "Deprecated" and "Obsolete" groups. Words, not
/// substrings of other words: "Removable Storage Access" is not removed.
fn is_deprecated_category(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["deprecated", "obsolete", "removed"]
        .iter()
        .any(|w| lower.starts_with(w) || lower.contains(&format!(" {w}")))
}

fn category_deprecation(policy: &AdmxPolicy) -> Option<DeprecationReason> {
    policy
        .category_names
        .iter()
        .chain(&policy.category_path)
        .find(|c| is_deprecated_category(c))
        .map(|c| DeprecationReason::DeprecatedCategory {
            category: c.clone(),
        })
}

/// An ingested template's definition id names its category path after `~policy~`
/// (`…chromeintunev141~policy~googlechrome~deprecatedpolicies_useragentreduction`): the last
/// segment is `{category}_{policy}`.
fn definition_category_deprecation(id: &str) -> Option<DeprecationReason> {
    let lower = id.to_ascii_lowercase();
    let (_, path) = lower.split_once("~policy~")?;
    path.split('~')
        .map(|segment| segment.split('_').next().unwrap_or(segment))
        .find(|segment| matches!(*segment, "deprecatedpolicies" | "removedpolicies"))
        .map(|segment| DeprecationReason::DeprecatedCategory {
            category: segment.to_string(),
        })
}

/// Internet Explorer's template (`inetres.admx`) or a policy under its category tree.
fn is_internet_explorer(policy: &AdmxPolicy) -> bool {
    policy.file_base.eq_ignore_ascii_case("inetres")
        || policy
            .category_path
            .first()
            .is_some_and(|c| c == "Internet Explorer")
}

/// Windows releases still supported, as `supportedOn` texts name them.
const CURRENT_WINDOWS: [&str; 8] = [
    "windows 10",
    "windows 11",
    "server 2016",
    "server 2019",
    "server 2022",
    "server 2025",
    "server 20h2",
    "redstone",
];

/// Windows releases before Windows 10.
const OLD_WINDOWS: [&str; 9] = [
    "windows 2000",
    "windows xp",
    "vista",
    "windows 7",
    "windows 8",
    "windows rt",
    "server 2003",
    "server 2008",
    "server 2012",
];

/// Words that leave a range open at the top.
const OPEN_ENDED: [&str; 6] = [
    "at least",
    "or later",
    "and later",
    "and newer",
    "and above",
    "+",
];

/// Words that close a range at the top.
const CLOSING: [&str; 4] = ["only", "through", " to ", "up to"];

/// The upper bound a `supportedOn` text sets, if it sets one that has passed.
pub fn supported_only_before(text: &str) -> Option<SupportLimit> {
    // The ADML strings carry stray zero-width spaces and line breaks.
    let lower: String = text
        .replace('\u{200b}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if lower.is_empty() || lower.starts_with("$(") {
        return None;
    }
    if lower.contains("not supported on windows 10") {
        return Some(SupportLimit::WindowsBefore10);
    }
    if let Some(limit) = product_version_range(&lower) {
        return Some(limit);
    }
    if let Some(last) = internet_explorer_last_version(&lower)
        && last < 11
    {
        return Some(SupportLimit::InternetExplorerBefore11);
    }
    if CURRENT_WINDOWS.iter().any(|w| lower.contains(w))
        || !OLD_WINDOWS.iter().any(|w| lower.contains(w))
    {
        return None;
    }
    let closed = CLOSING
        .iter()
        .any(|w| has_word(&lower, w.trim()) || lower.contains(w));
    let open = OPEN_ENDED.iter().any(|w| lower.contains(w)) || requires_component(&lower);
    (closed || !open).then_some(SupportLimit::WindowsBefore10)
}

/// `Microsoft Windows XP or Windows 2000 with Windows Installer v2.0`: the old templates' way of
/// stating a minimum (a component the policy needs), not a list of the only releases it acts on;
/// the policy still acts on every later Windows that ships the component. A service pack after
/// `with` (`Windows Server 2003 with SP1`) is not such a requirement.
fn requires_component(lower: &str) -> bool {
    lower.split(" with ").skip(1).any(|after| {
        let after = after.trim_start_matches("the ");
        !(after.starts_with("sp")
            || after.starts_with("service pack")
            || after.starts_with("most current service pack"))
            && after.split_whitespace().any(|w| {
                w.trim_start_matches('v')
                    .split('.')
                    .next()
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            })
    })
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == word)
}

/// `Microsoft Edge version 77-97, Windows 7 or later`: the product's last version.
fn product_version_range(lower: &str) -> Option<SupportLimit> {
    let at = lower.find(" version ")?;
    let rest = &lower[at + " version ".len()..];
    let first: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let after = rest[first.len()..].strip_prefix('-')?;
    let last: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
    if first.is_empty() || last.is_empty() {
        return None;
    }
    Some(SupportLimit::ProductVersions {
        product: title_case_product(&lower[..at]),
        last,
    })
}

/// The product part of the text, as the templates write it (`microsoft edge` → `Microsoft Edge`).
fn title_case_product(lower: &str) -> String {
    lower
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The highest Internet Explorer version a closed IE range names (`Only Internet Explorer 5.0
/// through Internet Explorer 8.0`, `… through IE8 inclusive`, `Internet Explorer 7.0 to Internet
/// Explorer 10.0`); None when the range is open (`At least Internet Explorer 7.0`).
fn internet_explorer_last_version(lower: &str) -> Option<u32> {
    if !lower.contains("internet explorer") {
        return None;
    }
    let closed = lower.starts_with("only internet explorer")
        || lower.contains(" to internet explorer")
        || lower.contains("through ie")
        || lower.contains("through internet explorer");
    if !closed || lower.contains("at least internet explorer") {
        return None;
    }
    let mut last = None;
    for marker in ["internet explorer ", "ie", "through "] {
        for (at, _) in lower.match_indices(marker) {
            let digits: String = lower[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if let Ok(v) = digits.parse::<u32>() {
                last = Some(last.map_or(v, |l: u32| l.max(v)));
            }
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(text: &str) -> Option<SupportLimit> {
        supported_only_before(text)
    }

    #[test]
    fn or_later_and_other_products_set_no_bound() {
        for text in [
            "Microsoft Windows XP SP2 or later",
            "Microsoft Edge version 77, Windows 7 or later",
            "Firefox 60 or later, Firefox 60 ESR or later",
            "Microsoft Windows Vista, or any version of Windows with Windows Search 4.0 or later",
            "Adobe Reader DC",
            "Adobe Reader 9.0+",
            "Windows Media Player for Windows XP and later.",
            "Windows Installer v3.0",
            "At least Windows Vista",
            "At least Internet Explorer 6.0 in Windows XP with Service Pack 2 or Windows Server 2003 with Service Pack 1",
            "At least Internet Explorer 7.0",
            "Windows Server 2008, Windows 7, Windows Vista, and Windows 10",
            "At least Windows Server 2008 R2 or Windows 7 through Windows Server 2022 or Windows 11 Version 22H2",
            "Microsoft Edge Update 1.2.145.5 and later",
            "$(string.SUPPORTED_preWin81_2012R2)",
        ] {
            assert_eq!(limit(text), None, "{text}");
        }
    }

    #[test]
    fn a_component_requirement_is_a_minimum() {
        assert_eq!(
            limit("Microsoft Windows XP or Windows 2000 with Windows Installer v2.0"),
            None
        );
        assert_eq!(
            limit("Windows Server 2003 with SP1 only"),
            Some(SupportLimit::WindowsBefore10)
        );
        assert_eq!(
            limit("Windows Server 2003 with SP1"),
            Some(SupportLimit::WindowsBefore10)
        );
    }

    #[test]
    fn upper_bounds_before_windows_10() {
        for text in [
            "Windows Vista only",
            "Windows Server 2003, Windows XP, and Windows 2000 only",
            "Supported Windows Vista through Windows 7",
            "At least Windows 2000 through Windows 8.1 or Windows Server 2012 R2",
            "Windows Server 2008, Windows 7, and Windows Vista",
            "Windows Server 2012 R2, Windows 8.1 or Windows RT 8.1 only",
            "At least Windows Server 2008 R2 or Windows 7. Not supported on Windows 10 or later",
            "At least Windows Vista through Windows 8.1 or Windows Server 2012 R2 with most current service pack. Not supported on Windows 10 and above.",
            "Only Internet Explorer 11.0 on Windows 8.1",
        ] {
            assert_eq!(limit(text), Some(SupportLimit::WindowsBefore10), "{text}");
        }
    }

    #[test]
    fn internet_explorer_and_product_bounds() {
        for text in [
            "Only Internet Explorer 5.0 through Internet Explorer 8.0",
            "Only Internet Explorer 6.0 in Windows XP Service Pack 2 or Windows Server 2003 Service Pack 1 through IE8 inclusive",
            "Internet Explorer 8.0 to Internet Explorer 10.0",
            "Only Internet Explorer 6.0",
        ] {
            assert_eq!(
                limit(text),
                Some(SupportLimit::InternetExplorerBefore11),
                "{text}"
            );
        }
        assert_eq!(
            limit("Microsoft Edge version 77-97, Windows 7 or later"),
            Some(SupportLimit::ProductVersions {
                product: "Microsoft Edge".into(),
                last: "97".into()
            })
        );
    }

    #[test]
    fn deprecated_categories_by_name_and_definition_id() {
        assert!(is_deprecated_category("DeprecatedPolicies"));
        assert!(is_deprecated_category("RemovedPolicies"));
        assert!(is_deprecated_category("Obsolete"));
        assert!(!is_deprecated_category("Removable Storage Access"));
        assert!(!is_deprecated_category("TS_LEGACY_REMOTEFX"));
        assert_eq!(
            definition_category_deprecation(
                "device_vendor_msft_policy_config_chromeintunev141~policy~googlechrome~deprecatedpolicies_useragentreduction"
            ),
            Some(DeprecationReason::DeprecatedCategory {
                category: "deprecatedpolicies".into()
            })
        );
        // A policy whose own name says "deprecated" is not in a deprecated category.
        assert_eq!(
            definition_category_deprecation(
                "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_enabledeprecatedwebplatformfeatures"
            ),
            None
        );
    }
}
