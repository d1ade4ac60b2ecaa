//! The table `gpa compare` prints: one line per GPO, then totals and the settings only Intune
//! sets.

use std::fmt::Write;

use crate::matching::compare::Compared;
use crate::model::Inventory;

use super::super::summary::{one_line, table};
use super::CompareFigures;

pub fn render(inventory: &Inventory, compared: &Compared, policies_read: usize) -> String {
    let mut lines: Vec<[String; 8]> = vec![[
        "GPO".into(),
        "Settings".into(),
        "Translatable".into(),
        "Same".into(),
        "Different".into(),
        "Not in Intune".into(),
        "Not comparable".into(),
        "Covered".into(),
    ]];
    let mut all = Vec::new();
    let line = |name: String, f: &CompareFigures| {
        [
            name,
            f.settings.to_string(),
            f.translatable.to_string(),
            f.same.to_string(),
            f.different.to_string(),
            f.not_in_intune.to_string(),
            f.not_comparable.to_string(),
            format!("{}%", f.covered_percent),
        ]
    };
    for g in &compared.gpos {
        let Some(gpo) = inventory.gpos.get(g.gpo) else {
            continue;
        };
        let f = CompareFigures::of(g);
        lines.push(line(one_line(&gpo.display_name), &f));
        all.push(f);
    }
    lines.push(line(
        format!("Total ({} GPOs)", all.len()),
        &CompareFigures::total(&all),
    ));
    let mut out = table(&lines);
    let policies: std::collections::BTreeSet<&str> = compared
        .intune_only
        .iter()
        .map(|o| o.policy.as_str())
        .collect();
    let _ = writeln!(
        out,
        "\nCompared with {policies_read} Intune polic{}. Intune only: {} settings, in {} of them, that no GPO sets.",
        if policies_read == 1 { "y" } else { "ies" },
        compared.intune_only.len(),
        policies.len()
    );
    out.push_str("\"Covered\" is Same over Translatable: the share of what gpa can translate that Intune already sets the same way. Not comparable rows are the settings gpa cannot translate (not Ready); the CSV, JSON and HTML reports say why, and list the Intune-only settings.\n");
    out
}
