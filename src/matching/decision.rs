//! The vocabulary of a decision: what a row's readiness, confidence, match route, identity and
//! reasons are. Every row of an analysis is decided once, in [`super::analyze`]; the reports and
//! `gpa convert` read these values and never decide again.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::catalog::curated::CuratedTable;
use crate::catalog::join::Route as LinkRoute;
use crate::model::{Scope, SettingId};

/// Where a GPO setting stands for a move to Intune; the first three are Intune's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Readiness {
    /// A settings catalog definition exists for it, and `gpa convert` writes it.
    #[serde(rename = "Ready")]
    Ready,
    /// A mapping exists but the node, definition, template category or supported Windows
    /// releases say it is obsolete.
    #[serde(rename = "Deprecated")]
    Deprecated,
    /// A settings catalog definition exists, but the GPO's value cannot be written into it as it
    /// is (no option for the value, a list the definition cannot hold, a value translation no
    /// source states, a parent setting the GPO does not set, two settings of the GPO that give
    /// the definition different values). The reasons say which; an administrator decides.
    #[serde(rename = "Needs review")]
    NeedsReview,
    /// No settings catalog definition, but a CSP node (or ADMX ingestion) reaches it.
    #[serde(rename = "Custom OMA-URI")]
    CustomOmaUri,
    /// No MDM equivalent is known.
    #[serde(rename = "Not supported")]
    NotSupported,
    /// Means nothing on a cloud-managed device; the row names the cloud-native replacement.
    #[serde(rename = "Not applicable")]
    NotApplicable,
    /// gpa cannot tell what the setting is: a client-side extension it does not read, or a
    /// report policy of a template the catalog lacks (Intune's "Unknown Settings"). Not counted
    /// as unsupported.
    #[serde(rename = "Unknown")]
    Unknown,
}

impl Readiness {
    pub const ALL: [Readiness; 7] = [
        Readiness::Ready,
        Readiness::Deprecated,
        Readiness::NeedsReview,
        Readiness::CustomOmaUri,
        Readiness::NotSupported,
        Readiness::NotApplicable,
        Readiness::Unknown,
    ];

    pub fn text(self) -> &'static str {
        match self {
            Readiness::Ready => "Ready",
            Readiness::Deprecated => "Deprecated",
            Readiness::NeedsReview => "Needs review",
            Readiness::CustomOmaUri => "Custom OMA-URI",
            Readiness::NotSupported => "Not supported",
            Readiness::NotApplicable => "Not applicable",
            Readiness::Unknown => "Unknown",
        }
    }

    /// Intune's "MDM Support" column: some MDM node can set it.
    pub fn mdm_supported(self) -> bool {
        matches!(
            self,
            Readiness::Ready
                | Readiness::Deprecated
                | Readiness::NeedsReview
                | Readiness::CustomOmaUri
        )
    }

    /// Graph's `mdmSupportedState`.
    pub fn mdm_supported_state(self) -> &'static str {
        match self {
            Readiness::Ready | Readiness::NeedsReview | Readiness::CustomOmaUri => "supported",
            Readiness::Deprecated => "deprecated",
            Readiness::NotSupported | Readiness::NotApplicable => "unsupported",
            Readiness::Unknown => "unknown",
        }
    }
}

/// How far the evidence of a row goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Language-independent keys all the way, the link confirmed by Microsoft data.
    High,
    /// One route only, or a tie the registry evidence could not break.
    Medium,
    /// English display names, or a curated row without evidence.
    Low,
}

impl Confidence {
    pub fn text(self) -> &'static str {
        match self {
            Confidence::High => "High",
            Confidence::Medium => "Medium",
            Confidence::Low => "Low",
        }
    }
}

/// What a row's evidence was read from, the first step of its match route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteStep {
    /// A raw file of the GPO, by file name (`registry.pol`, `GptTmpl.inf`, `audit.csv`).
    File(String),
    /// The GPO's report, for a setting no raw file carries.
    Report,
    /// A report policy matched by its English category path and display name.
    ReportDisplayName,
    /// An Administrative Templates policy, `file_base:name`.
    AdmxPolicy { file_base: String, name: String },
    /// A catalog link, with every route that produced it.
    CatalogLink(Vec<LinkRoute>),
    /// A row of a curated table.
    Curated(CuratedTable),
    /// The policy's template would have to be ingested (no node mirrors it).
    AdmxIngestion,
    /// A client-side extension the report names and gpa does not read.
    ReportExtension,
}

impl fmt::Display for RouteStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteStep::File(name) => f.write_str(name),
            RouteStep::Report => f.write_str("report"),
            RouteStep::ReportDisplayName => f.write_str("report display name"),
            RouteStep::AdmxPolicy { file_base, name } => write!(f, "ADMX {file_base}:{name}"),
            RouteStep::CatalogLink(routes) => {
                for (i, route) in routes.iter().enumerate() {
                    if i > 0 {
                        f.write_str("+")?;
                    }
                    f.write_str(route.name())?;
                }
                Ok(())
            }
            RouteStep::Curated(table) => write!(f, "curated {}", table.file_name()),
            RouteStep::AdmxIngestion => f.write_str("ADMX ingestion"),
            RouteStep::ReportExtension => f.write_str("report extension"),
        }
    }
}

/// The chain of evidence of a row, each step a stable token; written
/// `registry.pol > ADMX wcm:WCM_MinimizeConnections > DdfAdmxBacked+CatalogKeywords`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchRoute(pub Vec<RouteStep>);

impl MatchRoute {
    pub fn first(&self) -> Option<&RouteStep> {
        self.0.first()
    }

    pub fn push(&mut self, step: RouteStep) {
        self.0.push(step);
    }
}

impl fmt::Display for MatchRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" > ")?;
            }
            step.fmt(f)?;
        }
        Ok(())
    }
}

impl Serialize for MatchRoute {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The language-independent identity of a row, scope included: two GPOs set the same setting
/// when their rows have the same identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowIdentity {
    /// An Administrative Templates policy (`file_base` and `name` lower case), and, for a policy
    /// whose elements reach several MDM nodes, the node this row is about.
    AdmxPolicy {
        scope: Scope,
        file_base: String,
        name: String,
        target: Option<String>,
    },
    /// A setting of the model, by its case-folded id.
    Setting { scope: Scope, id: SettingId },
    /// A client-side extension by namespace or CSE GUID, lower case.
    Extension { scope: Scope, key: String },
}

impl fmt::Display for RowIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowIdentity::AdmxPolicy {
                scope,
                file_base,
                name,
                target,
            } => {
                write!(f, "{scope:?}|admx|{file_base}:{name}")?;
                match target {
                    Some(target) => write!(f, "|{target}"),
                    None => Ok(()),
                }
            }
            RowIdentity::Setting { scope, id } => {
                write!(f, "{scope:?}|{}", crate::inventory::identity_text(id))
            }
            RowIdentity::Extension { scope, key } => write!(f, "{scope:?}|extension|{key}"),
        }
    }
}

impl Serialize for RowIdentity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What kind of fact a reason states; the text says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReasonKind {
    /// The target found: a definition, a node, a curated row.
    Target,
    /// Several templates claim a registry value; how the owner was chosen.
    Ambiguity,
    /// Another route, or another node, the evidence also points to.
    OtherTarget,
    /// No MDM target, and why.
    NoTarget,
    /// Why the row is Deprecated.
    Deprecated,
    /// The GPO's value has no form in the definition, or a translation no source states.
    ValueHasNoForm,
    /// Two settings of the GPO give one definition different values.
    ConflictInGpo,
    /// The definition sits under a parent setting the GPO does not set as required.
    ParentNotSet,
    /// The definition requires a child setting the GPO does not set.
    RequiredChildMissing,
    /// What the conversion does with the value (elements not carried, rows written once).
    Conversion,
    /// Anything else worth knowing (a note of the template, a curated row's note).
    Note,
    /// The setting is taken from the GPO's report because the raw file that holds it could not
    /// be read whole and lost it.
    LostFromDamagedFile,
}

/// One reason of a row: a kind to filter on, and the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub text: String,
}

impl Reason {
    pub fn new(kind: ReasonKind, text: impl Into<String>) -> Reason {
        Reason {
            kind,
            text: text.into(),
        }
    }
}

/// The reasons of a row joined for one column: `first; second; …`.
pub fn reasons_text(reasons: &[Reason]) -> String {
    let mut out = String::new();
    for (i, reason) in reasons.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&reason.text);
    }
    out
}
