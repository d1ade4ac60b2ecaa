//! The figures per GPO that every output shows, and the terminal summary.

use std::fmt::Write;

use serde::Serialize;

use crate::matching::analyze::{
    Analysis, GpoAnalysis, Overlap, OverlapKind, Readiness, ReasonKind,
};
use crate::model::{Gpo, Inventory};

/// Counts over one GPO's rows, named as Intune's report names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GpoFigures {
    pub total: usize,
    /// Rows with MDM Support "Yes" (Ready, Deprecated, Needs review, Custom OMA-URI).
    pub supported: usize,
    /// `supported * 100 / (total - unknown)`, rounded down (0 for a GPO with no known settings):
    /// a setting gpa cannot identify is neither supported nor unsupported.
    pub supported_percent: u32,
    /// Rows per readiness, in [`Readiness::ALL`] order.
    pub by_readiness: Vec<(Readiness, usize)>,
    /// Settings gpa could not identify: unread extensions, report policies of unknown templates.
    pub unknown: usize,
    /// Linked to at least one site, domain or OU.
    pub targeted: bool,
    /// Graph's `migrationReadiness`: `complete`, `partial`, `none` or `notApplicable`.
    pub migration_readiness: &'static str,
}

pub fn figures(gpo: &Gpo, analysis: &GpoAnalysis) -> GpoFigures {
    let rows = &analysis.rows;
    let total = rows.len();
    let supported = rows.iter().filter(|r| r.readiness.mdm_supported()).count();
    let unknown = rows.iter().filter(|r| r.is_unknown()).count();
    let ready = rows
        .iter()
        .filter(|r| r.readiness == Readiness::Ready)
        .count();
    let by_readiness = Readiness::ALL
        .iter()
        .map(|&k| (k, rows.iter().filter(|r| r.readiness == k).count()))
        .collect();
    GpoFigures {
        total,
        supported,
        supported_percent: percent(supported, total - unknown),
        by_readiness,
        unknown,
        targeted: !gpo.links.is_empty(),
        migration_readiness: match (total, ready) {
            (0, _) => "notApplicable",
            (_, 0) => "none",
            (t, r) if t == r => "complete",
            _ => "partial",
        },
    }
}

/// What `gpa analyze`'s gates hold against ([`crate::gate`]): MDM support over every GPO (the
/// summary's total: supported rows among the rows gpa can identify), conflicts across GPOs,
/// Unknown rows and damaged files.
pub fn gate_measures(inventory: &Inventory, analysis: &Analysis) -> crate::gate::Measures {
    let (mut total, mut supported, mut unknown) = (0, 0, 0);
    for a in &analysis.gpos {
        if let Some(gpo) = inventory.gpos.get(a.gpo) {
            let f = figures(gpo, a);
            total += f.total;
            supported += f.supported;
            unknown += f.unknown;
        }
    }
    crate::gate::Measures {
        percent: Some(crate::gate::Percent {
            name: "MDM support",
            part: supported,
            whole: total - unknown,
            unit: "settings gpa can identify",
        }),
        conflicts: Some(conflict_count(&analysis.overlaps)),
        unknown: Some(unknown),
        damaged: Some(inventory.gpos.iter().map(|g| g.damage.len()).sum()),
        different: None,
    }
}

/// Overlaps whose GPOs set different values.
pub fn conflict_count(overlaps: &[Overlap]) -> usize {
    overlaps
        .iter()
        .filter(|o| o.kind == OverlapKind::Conflict)
        .count()
}

pub fn percent(part: usize, total: usize) -> u32 {
    (part * 100)
        .checked_div(total)
        .map_or(0, |p| u32::try_from(p).unwrap_or(100))
}

/// The table printed after every `gpa analyze`: one line per GPO, then totals.
pub fn render(inventory: &Inventory, analysis: &Analysis) -> String {
    let mut lines: Vec<[String; 10]> = vec![[
        "GPO".into(),
        "Settings".into(),
        "MDM support".into(),
        "Ready".into(),
        "Deprecated".into(),
        "Review".into(),
        "Custom".into(),
        "Not supported".into(),
        "Unknown".into(),
        "Linked".into(),
    ]];
    let mut totals = GpoFigures::default();
    let count = |figures: &GpoFigures, k: Readiness| {
        figures
            .by_readiness
            .iter()
            .find(|(r, _)| *r == k)
            .map_or(0, |(_, n)| *n)
    };
    let mut sums = [0usize; 5];
    for a in &analysis.gpos {
        let Some(gpo) = inventory.gpos.get(a.gpo) else {
            continue;
        };
        let f = figures(gpo, a);
        let row_counts = [
            count(&f, Readiness::Ready),
            count(&f, Readiness::Deprecated),
            count(&f, Readiness::NeedsReview),
            count(&f, Readiness::CustomOmaUri),
            count(&f, Readiness::NotSupported) + count(&f, Readiness::NotApplicable),
        ];
        for (sum, n) in sums.iter_mut().zip(row_counts) {
            *sum += n;
        }
        totals.total += f.total;
        totals.supported += f.supported;
        totals.unknown += f.unknown;
        lines.push([
            one_line(&gpo.display_name),
            f.total.to_string(),
            format!("{}%", f.supported_percent),
            row_counts[0].to_string(),
            row_counts[1].to_string(),
            row_counts[2].to_string(),
            row_counts[3].to_string(),
            row_counts[4].to_string(),
            f.unknown.to_string(),
            if f.targeted { "yes" } else { "no" }.to_string(),
        ]);
    }
    lines.push([
        format!("Total ({} GPOs)", analysis.gpos.len()),
        totals.total.to_string(),
        format!(
            "{}%",
            percent(totals.supported, totals.total - totals.unknown)
        ),
        sums[0].to_string(),
        sums[1].to_string(),
        sums[2].to_string(),
        sums[3].to_string(),
        sums[4].to_string(),
        totals.unknown.to_string(),
        String::new(),
    ]);
    let mut out = table(&lines);
    let conflicts = conflict_count(&analysis.overlaps);
    let _ = writeln!(
        out,
        "\nAcross GPOs: {} settings set by several GPOs, {} of them with different values (conflicts).",
        analysis.overlaps.len(),
        conflicts
    );
    out.push_str("\"Review\" counts Needs review rows (a definition exists, the value cannot be written as it is); \"Not supported\" also counts Not applicable rows; Unknown rows are not counted in MDM support. The CSV, JSON, HTML and XLSX reports tell them apart.\n");
    out.push_str(&damage_lines(inventory, analysis));
    out
}

/// The files read only in part, per GPO, after the table: the figures above count only what was
/// read before the damage.
fn damage_lines(inventory: &Inventory, analysis: &Analysis) -> String {
    let mut out = String::new();
    for a in &analysis.gpos {
        let Some(gpo) = inventory.gpos.get(a.gpo) else {
            continue;
        };
        for damage in &gpo.damage {
            if out.is_empty() {
                out.push_str("\nDamaged files (read only in part; the figures count the settings read before the damage):\n");
            }
            let _ = writeln!(
                out,
                "  {}: {}",
                crate::safe_text::escape_control(&gpo.display_name),
                damage.describe()
            );
        }
        let taken: Vec<&str> = a
            .rows
            .iter()
            .filter(|r| {
                r.reasons
                    .iter()
                    .any(|reason| reason.kind == ReasonKind::LostFromDamagedFile)
            })
            .map(|r| r.name.as_str())
            .collect();
        if !taken.is_empty() {
            let _ = writeln!(
                out,
                "  {}: lost from registry.pol, taken from gpreport.xml ({}): {}",
                crate::safe_text::escape_control(&gpo.display_name),
                taken.len(),
                crate::safe_text::escape_control(&taken.join("; "))
            );
        }
    }
    out
}

/// Whitespace runs (newlines included) become one space, other control characters are escaped:
/// table cells come from GPO names a terminal must not obey.
pub(crate) fn one_line(s: &str) -> String {
    crate::safe_text::escape_control(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Left-aligned first column, right-aligned figures, a rule under the header and above the totals.
pub(crate) fn table<const N: usize>(lines: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for line in lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let rule: String = widths
        .iter()
        .map(|w| "-".repeat(*w))
        .collect::<Vec<_>>()
        .join("  ");
    let mut out = String::new();
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        if i == last && i > 0 {
            let _ = writeln!(out, "{rule}");
        }
        let cells: Vec<String> = line
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(c, (cell, w))| {
                let cell = crate::safe_text::escape_control(cell);
                if c == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if i == 0 {
            let _ = writeln!(out, "{rule}");
        }
    }
    out
}
