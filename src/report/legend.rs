//! What each migration readiness means and what to do about it, with its colour: the HTML page's
//! legend and colours and the workbook's readiness cells come from here, and the README's
//! readiness table says the same (a test checks it).

use crate::matching::analyze::Readiness;

/// One readiness as the reports explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendEntry {
    pub readiness: Readiness,
    /// `#rrggbb`, white text on it: the HTML pills, bars and tiles, the workbook's cells.
    pub colour: &'static str,
    pub meaning: &'static str,
    pub next_step: &'static str,
}

/// In [`Readiness::ALL`] order, which is the order of the HTML page's `r0`…`r6` classes.
pub const LEGEND: [LegendEntry; 7] = [
    LegendEntry {
        readiness: Readiness::Ready,
        colour: "#2e8540",
        meaning: "A settings catalog definition exists for it, and the GPO's value has a form there.",
        next_step: "Migrate it: gpa convert writes it into a settings catalog policy.",
    },
    LegendEntry {
        readiness: Readiness::Deprecated,
        colour: "#d68a00",
        meaning: "A mapping exists, but the node, the definition, the template's category or the Windows releases it supports are obsolete.",
        next_step: "Don't migrate it; look for the setting that replaced it.",
    },
    LegendEntry {
        readiness: Readiness::NeedsReview,
        colour: "#2f6fbf",
        meaning: "A settings catalog definition exists, but the GPO's value cannot be written into it as it is.",
        next_step: "Read the Reason, then set it by hand in the settings catalog, or drop it.",
    },
    LegendEntry {
        readiness: Readiness::CustomOmaUri,
        colour: "#c0392b",
        meaning: "No settings catalog definition, but a CSP node (or ADMX ingestion) reaches it.",
        next_step: "Set the CSP Mapping URI in a custom profile (for a third-party template, ingest the ADMX first).",
    },
    LegendEntry {
        readiness: Readiness::NotSupported,
        colour: "#8a939e",
        meaning: "No MDM equivalent is known; the Reason says why.",
        next_step: "Find another way (a script, a Remediation) or accept losing it.",
    },
    LegendEntry {
        readiness: Readiness::NotApplicable,
        colour: "#7d4bb3",
        meaning: "Means nothing off the domain: scripts, folder redirection, software installation, drive maps, printers, certificates.",
        next_step: "Use the cloud-native replacement the Reason names.",
    },
    LegendEntry {
        readiness: Readiness::Unknown,
        colour: "#5d6d7e",
        meaning: "gpa cannot tell what it is: an extension it does not read, or a policy of a template the catalog lacks.",
        next_step: "Review it by hand; it is not counted in MDM support.",
    },
];

/// The legend entry of a readiness.
pub fn entry(readiness: Readiness) -> &'static LegendEntry {
    LEGEND
        .iter()
        .find(|e| e.readiness == readiness)
        .unwrap_or(&LEGEND[LEGEND.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_follows_readiness_order() {
        let order: Vec<Readiness> = LEGEND.iter().map(|e| e.readiness).collect();
        assert_eq!(order, Readiness::ALL);
        let colour = regex::Regex::new("^#[0-9a-f]{6}$").unwrap();
        for e in &LEGEND {
            assert_eq!(entry(e.readiness), e);
            assert!(colour.is_match(e.colour), "{}", e.colour);
        }
    }
}
