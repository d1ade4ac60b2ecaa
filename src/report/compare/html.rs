//! The HTML page of `gpa compare`, with the look of the analysis page (its style sheet, the same
//! shell and content security policy): the figures by comparison, a summary per GPO, the settings
//! table to sort, filter by comparison and GPO, and search, and the settings only Intune sets.
//!
//! As on the analysis page, everything a GPO or a policy supplies is escaped HTML or goes into a
//! JSON block that the script puts on the page through `textContent` only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use crate::matching::compare::{Compared, ComparedGpo, Comparison};
use crate::model::{Gpo, Inventory, Scope};

use super::super::html::{
    CONTENT_SECURITY_POLICY, STYLE, escape, fragment_value, generator, script_json,
};
use super::{CompareFigures, comparison_label, policies_text};

const SCRIPT: &str = include_str!("compare.js");

/// The GPO table here has more figures than the analysis page's: names keep a readable width.
const EXTRA_STYLE: &str =
    "#gpos td:first-child { min-width: 18rem; }\n#gpos td.bar-cell { width: 22%; }\n";

/// The colour of each comparison, as a class of the shared style sheet (its readiness colours):
/// same green, different red, not in Intune amber, not comparable grey.
const COLOURS: [usize; 4] = [0, 3, 1, 4];

fn colour(comparison: Comparison) -> usize {
    Comparison::ALL
        .iter()
        .position(|c| *c == comparison)
        .and_then(|i| COLOURS.get(i).copied())
        .unwrap_or(4)
}

/// What the script reads; rows are arrays of numbers to keep the page small.
#[derive(Serialize)]
struct Data<'a> {
    /// `[label, JSON name, colour]` per comparison, by rank.
    comparisons: Vec<(&'static str, &'static str, usize)>,
    /// Every text once, sorted case-insensitively so that an index sorts as its text.
    strings: Vec<&'a str>,
    /// `[inventory index, name]` per GPO.
    gpos: Vec<(usize, usize)>,
    /// `[gpo, name, scope, readiness, settings catalog id, comparison rank, GPO value, Intune
    /// value, Intune policies, reason]`; the GPO is its inventory index, the rank indexes
    /// `comparisons`, the rest index `strings`.
    rows: Vec<[usize; 10]>,
}

pub fn write(inventory: &Inventory, compared: &Compared) -> Result<Vec<u8>, String> {
    let gpos: Vec<(&Gpo, &ComparedGpo)> = compared
        .gpos
        .iter()
        .filter_map(|g| inventory.gpos.get(g.gpo).map(|gpo| (gpo, g)))
        .collect();
    let figures: Vec<CompareFigures> = gpos.iter().map(|(_, g)| CompareFigures::of(g)).collect();
    let data = script_data(&gpos)?;
    let mut page = String::with_capacity(data.len() + 64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        page,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">"
    );
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        page,
        "<meta name=\"generator\" content=\"{}\">",
        generator()
    );
    page.push_str("<title>GPOs compared with Intune policies</title>\n<style>\n");
    page.push_str(STYLE);
    page.push_str(EXTRA_STYLE);
    page.push_str("</style>\n</head>\n<body>\n");
    header(&mut page, &figures, compared);
    gpo_summary(&mut page, &gpos, &figures);
    settings_section(&mut page);
    intune_only_section(&mut page, compared);
    page.push_str("<script type=\"application/json\" id=\"data\">");
    page.push_str(&data);
    page.push_str("</script>\n<script>\n");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    Ok(page.into_bytes())
}

fn script_data(gpos: &[(&Gpo, &ComparedGpo)]) -> Result<String, String> {
    let policies: Vec<Vec<String>> = gpos
        .iter()
        .map(|(_, g)| {
            g.settings
                .iter()
                .map(|s| policies_text(&s.intune_policies))
                .collect()
        })
        .collect();
    let mut unique: BTreeSet<&str> = BTreeSet::new();
    for ((gpo, g), policies) in gpos.iter().zip(&policies) {
        unique.insert(&gpo.display_name);
        for (s, p) in g.settings.iter().zip(policies) {
            unique.extend([
                s.name.as_str(),
                scope(s.scope),
                s.readiness.text(),
                s.definition_id.as_deref().unwrap_or_default(),
                &s.gpo_value,
                &s.intune_value,
                p,
                &s.reason,
            ]);
        }
    }
    let mut strings: Vec<&str> = unique.into_iter().collect();
    strings.sort_by_cached_key(|s| (s.to_lowercase(), *s));
    let index: BTreeMap<&str, usize> = strings.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let at = |s: &str| index.get(s).copied().unwrap_or_default();
    let mut rows = Vec::new();
    for ((_, g), policies) in gpos.iter().zip(&policies) {
        for (s, p) in g.settings.iter().zip(policies) {
            let rank = Comparison::ALL
                .iter()
                .position(|c| *c == s.comparison)
                .unwrap_or_default();
            rows.push([
                g.gpo,
                at(&s.name),
                at(scope(s.scope)),
                at(s.readiness.text()),
                at(s.definition_id.as_deref().unwrap_or_default()),
                rank,
                at(&s.gpo_value),
                at(&s.intune_value),
                at(p),
                at(&s.reason),
            ]);
        }
    }
    let data = Data {
        comparisons: Comparison::ALL
            .iter()
            .map(|&c| (comparison_label(c), c.text(), colour(c)))
            .collect(),
        gpos: gpos
            .iter()
            .map(|(gpo, g)| (g.gpo, at(&gpo.display_name)))
            .collect(),
        strings,
        rows,
    };
    script_json(&data)
}

fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Device => "Device",
        Scope::User => "User",
    }
}

/// A bar of the settings by comparison.
fn bar(page: &mut String, f: &CompareFigures, class: &str) {
    let _ = write!(page, "<div class=\"{class}\">");
    for c in Comparison::ALL {
        let n = f.count(c);
        if n == 0 {
            continue;
        }
        let width = n as f64 * 100.0 / f.settings.max(1) as f64;
        let _ = write!(
            page,
            "<span class=\"r{}\" style=\"width:{width:.3}%\" title=\"{}: {n}\"></span>",
            colour(c),
            comparison_label(c)
        );
    }
    page.push_str("</div>");
}

fn header(page: &mut String, figures: &[CompareFigures], compared: &Compared) {
    let total = CompareFigures::total(figures);
    let _ = writeln!(
        page,
        "<header>\n<h1>GPOs compared with Intune policies</h1>\n<p class=\"generator\">Generated by {}, offline, by <code>gpa compare</code>. Each setting gpa can translate (Ready) is compared with every Intune instance of its settings catalog definition.</p>\n</header>",
        generator()
    );
    page.push_str("<section class=\"tiles\">\n");
    let _ = writeln!(
        page,
        "<div class=\"tile\"><b>{}</b><span>GPOs</span></div>\n<div class=\"tile\"><b>{}</b><span>settings</span></div>\n<div class=\"tile\"><b>{}</b><span>translatable (Ready)</span></div>\n<div class=\"tile\"><b>{}%</b><span>covered: same in Intune</span></div>",
        figures.len(),
        total.settings,
        total.translatable,
        total.covered_percent
    );
    for c in Comparison::ALL {
        let _ = writeln!(
            page,
            "<a class=\"tile r{}\" href=\"#comparison={}\"><b>{}</b><span>{}</span></a>",
            colour(c),
            fragment_value(c.text()),
            total.count(c),
            comparison_label(c)
        );
    }
    let _ = writeln!(
        page,
        "<a class=\"tile\" href=\"#intune-only\"><b>{}</b><span>set only in Intune</span></a>",
        compared.intune_only.len()
    );
    page.push_str("</section>\n");
    bar(page, &total, "bar wide");
    page.push('\n');
}

fn gpo_summary(page: &mut String, gpos: &[(&Gpo, &ComparedGpo)], figures: &[CompareFigures]) {
    page.push_str("<h2>GPOs</h2>\n<p class=\"note\">Covered: the share of the GPO's translatable settings that Intune already sets the same way. Click a GPO to show its settings only.</p>\n");
    page.push_str("<table id=\"gpos\">\n<thead><tr><th>GPO</th><th>GUID</th><th class=\"num\">Settings</th><th class=\"num\">Translatable</th><th class=\"num\">Same</th><th class=\"num\">Different</th><th class=\"num\">Not in Intune</th><th class=\"num\">Not comparable</th><th class=\"num\">Covered</th><th>Comparison</th></tr></thead>\n<tbody>\n");
    for ((gpo, g), f) in gpos.iter().zip(figures) {
        let _ = write!(
            page,
            "<tr data-gpo=\"{id}\"><td><a href=\"#gpo={id}\" title=\"{origin}\">{name}</a></td><td class=\"mono\">{guid}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}%</td><td class=\"bar-cell\">",
            f.settings,
            f.translatable,
            f.same,
            f.different,
            f.not_in_intune,
            f.not_comparable,
            f.covered_percent,
            id = g.gpo,
            origin = escape(&gpo.origin),
            name = escape(&gpo.display_name),
            guid = escape(gpo.guid.as_deref().unwrap_or_default()),
        );
        bar(page, f, "bar");
        page.push_str("</td></tr>\n");
    }
    page.push_str("</tbody>\n</table>\n");
}

fn settings_section(page: &mut String) {
    page.push_str(concat!(
        "<section id=\"settings\">\n<h2>Settings</h2>\n",
        "<noscript><p class=\"note\">The settings table needs JavaScript; the CSV report (<code>--csv</code>) has the same rows.</p></noscript>\n",
        "<div id=\"settings-ui\" hidden>\n<div class=\"controls\">\n",
        "<input type=\"search\" id=\"search\" placeholder=\"Search every column\" aria-label=\"Search\">\n",
        "<select id=\"filter-comparison\" aria-label=\"Comparison\"><option value=\"\">Every comparison</option></select>\n",
        "<select id=\"filter-gpo\" aria-label=\"GPO\"><option value=\"\">Every GPO</option></select>\n",
        "<button type=\"button\" id=\"clear\">Clear</button>\n",
        "<span id=\"shown\"></span>\n</div>\n",
        "<div class=\"scroll\"><div id=\"settings-table\" role=\"table\" aria-label=\"Settings\">",
        "<div class=\"row head\" role=\"row\" id=\"settings-head\"></div><div id=\"rows\" role=\"rowgroup\"></div>",
        "</div></div>\n",
        "</div>\n</section>\n",
    ));
}

fn intune_only_section(page: &mut String, compared: &Compared) {
    let _ = writeln!(
        page,
        "<section id=\"intune-only\">\n<h2>Set only in Intune</h2>\n<p class=\"note\">{} settings that the Intune policies set and no GPO sets.</p>",
        compared.intune_only.len()
    );
    if compared.intune_only.is_empty() {
        page.push_str("</section>\n");
        return;
    }
    page.push_str("<details open>\n<summary>Settings</summary>\n<table class=\"overlaps\">\n<thead><tr><th>Intune policy</th><th>Settings catalog ID</th><th>Value</th></tr></thead>\n<tbody>\n");
    for only in &compared.intune_only {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"value\"><div class=\"clip\">{}</div></td></tr>",
            escape(&only.policy),
            escape(&only.setting_definition_id),
            escape(&only.value)
        );
    }
    page.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}
