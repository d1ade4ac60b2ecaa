//! The reports of `gpa compare`: CSV, JSON, HTML and the terminal summary, each written from the
//! [`Compared`] that `matching::compare` decided, with the per-GPO figures they share.

pub mod csv;
pub mod html;
pub mod json;
pub mod summary;

use serde::Serialize;

use crate::matching::analyze::Readiness;
use crate::matching::compare::{ComparedGpo, Comparison};

/// Counts over one GPO's compared settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareFigures {
    pub settings: usize,
    /// Ready rows: gpa writes their value into a settings catalog instance, so they compare.
    pub translatable: usize,
    pub same: usize,
    pub different: usize,
    pub not_in_intune: usize,
    pub not_comparable: usize,
    /// `same * 100 / translatable`, rounded down; 0 for a GPO with nothing translatable: the
    /// share of what gpa can translate that Intune already sets the same way.
    pub covered_percent: u32,
}

impl CompareFigures {
    pub fn of(gpo: &ComparedGpo) -> Self {
        let mut f = CompareFigures {
            settings: gpo.settings.len(),
            ..CompareFigures::default()
        };
        for s in &gpo.settings {
            if s.readiness == Readiness::Ready {
                f.translatable += 1;
            }
            *f.count_mut(s.comparison) += 1;
        }
        f.covered_percent = super::summary::percent(f.same, f.translatable);
        f
    }

    /// The sum of several GPOs' figures, its percentage over the sums.
    pub fn total(all: &[CompareFigures]) -> Self {
        let mut t = CompareFigures::default();
        for f in all {
            t.settings += f.settings;
            t.translatable += f.translatable;
            t.same += f.same;
            t.different += f.different;
            t.not_in_intune += f.not_in_intune;
            t.not_comparable += f.not_comparable;
        }
        t.covered_percent = super::summary::percent(t.same, t.translatable);
        t
    }

    pub fn count(&self, comparison: Comparison) -> usize {
        match comparison {
            Comparison::Same => self.same,
            Comparison::Different => self.different,
            Comparison::NotInIntune => self.not_in_intune,
            Comparison::NotComparable => self.not_comparable,
        }
    }

    fn count_mut(&mut self, comparison: Comparison) -> &mut usize {
        match comparison {
            Comparison::Same => &mut self.same,
            Comparison::Different => &mut self.different,
            Comparison::NotInIntune => &mut self.not_in_intune,
            Comparison::NotComparable => &mut self.not_comparable,
        }
    }
}

/// The comparison in words, for the terminal and the HTML page's labels.
pub fn comparison_label(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Same => "Same",
        Comparison::Different => "Different",
        Comparison::NotInIntune => "Not in Intune",
        Comparison::NotComparable => "Not comparable",
    }
}

/// Intune policy names as one text cell.
pub fn policies_text(names: &[String]) -> String {
    names.join("; ")
}
