//! The HTML report: one self-contained page (inline style and script, nothing fetched) with the
//! figures, a summary per GPO, the settings table to sort, filter and search, and the settings
//! several GPOs set.
//!
//! The figures, the GPO summary and the overlaps are HTML, escaped here, so they show without
//! script. The settings table is built by the page's script from a JSON block, through
//! `textContent` only: no text a GPO supplies is ever parsed as markup.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use crate::matching::analyze::{
    Analysis, Confidence, GpoAnalysis, Overlap, OverlapEntry, OverlapKind, Readiness,
};
use crate::model::{Gpo, Inventory};
use crate::run_info::RunInfo;

use super::legend::LEGEND;
use super::settings_table::{COLUMNS, Record, records};
use super::summary::{GpoFigures, conflict_count, figures, percent};

/// Shared with the `gpa compare` page, which has the same look.
pub(crate) const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Nothing but the page's own inline style and script may run, and nothing may be fetched.
pub(crate) const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const CONFIDENCES: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

/// What the script reads. Rows are arrays of numbers to keep the page small on big estates.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Data<'a> {
    /// Readiness names by rank, in [`Readiness::ALL`] order.
    readiness: Vec<&'static str>,
    /// Confidence names by rank, highest first.
    confidence: Vec<&'static str>,
    /// The CSV report's columns: each row holds its text in each, and the page's export writes
    /// them.
    columns: [&'static str; COLUMNS.len()],
    /// Every text of the table once, sorted case-insensitively so that an index sorts as its text.
    strings: Vec<&'a str>,
    /// The strings the CSV report writes with a leading `'` (they would run as formulas).
    formula_like: Vec<usize>,
    /// `[inventory index, name]` per GPO, in report order.
    gpos: Vec<(usize, usize)>,
    /// `[gpo, readiness rank, confidence rank, source file shown, then one string per column]`;
    /// the GPO is its inventory index, the ranks index `readiness` and `confidence`, the rest
    /// index `strings`.
    rows: Vec<Vec<usize>>,
}

/// The report as one HTML page.
pub fn write(inventory: &Inventory, analysis: &Analysis, run: &RunInfo) -> Result<Vec<u8>, String> {
    let gpos: Vec<(&Gpo, &GpoAnalysis)> = analysis
        .gpos
        .iter()
        .filter_map(|a| inventory.gpos.get(a.gpo).map(|g| (g, a)))
        .collect();
    let data = script_data(&gpos, &records(inventory, analysis))?;
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
    page.push_str("<title>Group Policy analysis</title>\n<style>\n");
    page.push_str(&palette());
    page.push_str(STYLE);
    page.push_str("</style>\n</head>\n<body>\n");
    let figures: Vec<GpoFigures> = gpos.iter().map(|(g, a)| figures(g, a)).collect();
    header(&mut page, &figures, &analysis.overlaps, run);
    legend_section(&mut page);
    gpo_summary(&mut page, &gpos, &figures);
    damage_section(&mut page, &gpos);
    settings_section(&mut page);
    overlaps_section(&mut page, &analysis.overlaps);
    run_section(&mut page, run);
    page.push_str("<script type=\"application/json\" id=\"data\">");
    page.push_str(&data);
    page.push_str("</script>\n<script>\n");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    Ok(page.into_bytes())
}

/// The files read only in part, when there are any: which GPO, where, what was kept and lost.
fn damage_section(page: &mut String, gpos: &[(&Gpo, &GpoAnalysis)]) {
    let damaged: Vec<(&Gpo, &crate::model::Damage)> = gpos
        .iter()
        .flat_map(|(g, _)| g.damage.iter().map(move |d| (*g, d)))
        .collect();
    if damaged.is_empty() {
        return;
    }
    page.push_str("<section id=\"damage\">\n<h2>Damaged files</h2>\n<p class=\"note\">These files were read only in part: the settings read before the damage are in the table, the rest is missing.</p>\n<table>\n<thead><tr><th>GPO</th><th>File</th><th>Where</th><th>Problem</th><th>Settings kept</th><th>Lost, per gpreport.xml</th></tr></thead>\n<tbody>\n");
    for (gpo, d) in damaged {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&gpo.display_name),
            escape(&d.file),
            d.at,
            escape(&d.problem),
            d.settings_kept,
            escape(&d.lost_per_report.join("; "))
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

/// The readiness colours, from the one palette the workbook shares.
fn palette() -> String {
    let mut css = String::from(":root {");
    for (rank, e) in LEGEND.iter().enumerate() {
        let _ = write!(css, " --r{rank}: {};", e.colour);
    }
    css.push_str(" }\n");
    css
}

/// What each readiness means and what to do next; a readiness filters the table.
fn legend_section(page: &mut String) {
    page.push_str("<section id=\"legend\">\n<h2>Migration readiness</h2>\n<table class=\"legend\">\n<thead><tr><th>Readiness</th><th>Meaning</th><th>Next step</th></tr></thead>\n<tbody>\n");
    for (rank, e) in LEGEND.iter().enumerate() {
        let _ = writeln!(
            page,
            "<tr data-readiness=\"{name}\"><td><a class=\"pill r{rank}\" href=\"#readiness={fragment}\">{name}</a></td><td>{meaning}</td><td>{next}</td></tr>",
            name = escape(e.readiness.text()),
            fragment = fragment_value(e.readiness.text()),
            meaning = escape(e.meaning),
            next = escape(e.next_step),
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

/// The run: gpa version, time, catalog, inputs.
fn run_section(page: &mut String, run: &RunInfo) {
    page.push_str("<section id=\"run\">\n<h2>About this report</h2>\n<dl class=\"run\">\n");
    let mut item = |label: &str, value: &str| {
        let _ = writeln!(page, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
    };
    item("Generated by", &format!("gpa {}", run.gpa_version));
    item("Run time", &run.time);
    item("Catalog", &run.catalog.summary());
    if let Some(s) = &run.catalog.snapshot {
        for (label, part) in [
            ("Templates", &s.templates),
            ("DDF", &s.ddf),
            ("Settings catalog", &s.definitions),
        ] {
            item(
                label,
                &format!("{} ({}; {})", part.what, part.date, part.source),
            );
        }
    }
    item("Catalog source", &run.catalog.source);
    for input in &run.inputs {
        item("Input", input);
    }
    page.push_str("</dl>\n</section>\n");
}

pub(crate) fn generator() -> String {
    format!("gpa {}", env!("CARGO_PKG_VERSION"))
}

/// The JSON block, safe inside `<script>`: `<`, `>` and `&` as `\u` escapes, so no `</script>`
/// or `<!--` can occur, and U+2028/U+2029 escaped for older script parsers.
fn script_data<'a>(
    gpos: &[(&'a Gpo, &'a GpoAnalysis)],
    records: &[Record<'a>],
) -> Result<String, String> {
    let origins: BTreeMap<usize, &str> = gpos
        .iter()
        .map(|(g, a)| (a.gpo, g.origin.as_str()))
        .collect();
    fn shown<'a>(r: &Record<'a>, origins: &BTreeMap<usize, &str>) -> &'a str {
        source_file(
            &r.row.source.file,
            origins.get(&r.gpo).copied().unwrap_or_default(),
        )
    }
    let shown_file = |r: &Record<'a>| shown(r, &origins);
    let mut unique: BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r.fields.iter().map(|f| f.as_ref()))
        .collect();
    unique.extend(records.iter().map(&shown_file));
    unique.extend(gpos.iter().map(|(g, _)| g.display_name.as_str()));
    unique.extend(COLUMNS);
    let mut strings: Vec<&str> = unique.into_iter().collect();
    strings.sort_by_cached_key(|s| (s.to_lowercase(), *s));
    let index: BTreeMap<&str, usize> = strings.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let at = |s: &str| index.get(s).copied().unwrap_or_default();
    let rows = records
        .iter()
        .map(|r| {
            let readiness = Readiness::ALL
                .iter()
                .position(|x| *x == r.row.readiness)
                .unwrap_or_default();
            let confidence = CONFIDENCES
                .iter()
                .position(|c| *c == r.row.confidence)
                .unwrap_or_default();
            let mut row = vec![r.gpo, readiness, confidence, at(shown_file(r))];
            row.extend(r.fields.iter().map(|f| at(f)));
            row
        })
        .collect();
    let formula_like = strings
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(super::csv::excel_safe(s), Cow::Owned(_)))
        .map(|(i, _)| i)
        .collect();
    let data = Data {
        readiness: Readiness::ALL.iter().map(|r| r.text()).collect(),
        confidence: CONFIDENCES.iter().map(|c| c.text()).collect(),
        columns: COLUMNS,
        gpos: gpos
            .iter()
            .map(|(g, a)| (a.gpo, at(&g.display_name)))
            .collect(),
        formula_like,
        strings,
        rows,
    };
    script_json(&data)
}

/// JSON for a `<script type="application/json">` block (see [`script_data`]).
pub(crate) fn script_json(data: &impl Serialize) -> Result<String, String> {
    let json = serde_json::to_string(data).map_err(|e| e.to_string())?;
    let mut safe = String::with_capacity(json.len() + json.len() / 50);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
    }
    Ok(safe)
}

/// The source file below the GPO's folder (`DomainSysvol/GPO/Machine/registry.pol`); its name
/// alone when the GPO is that file (a report).
fn source_file<'a>(file: &'a str, origin: &str) -> &'a str {
    match file
        .strip_prefix(origin)
        .map(|rest| rest.trim_start_matches(['/', '\\']))
    {
        Some(rest) if !rest.is_empty() => rest,
        _ => file.rsplit(['/', '\\']).next().unwrap_or(file),
    }
}

/// Text for HTML content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A fragment parameter value: every byte but ASCII letters, digits and `-_.~` percent-encoded.
pub(crate) fn fragment_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A bar of the rows by readiness, one segment per readiness present.
fn coverage_bar(page: &mut String, by_readiness: &[(Readiness, usize)], class: &str) {
    let total: usize = by_readiness.iter().map(|(_, n)| n).sum();
    let _ = write!(page, "<div class=\"{class}\">");
    for (rank, &(readiness, n)) in by_readiness.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let width = n as f64 * 100.0 / total as f64;
        let _ = write!(
            page,
            "<span class=\"r{rank}\" style=\"width:{width:.3}%\" title=\"{}: {n}\"></span>",
            readiness.text()
        );
    }
    page.push_str("</div>");
}

fn header(page: &mut String, figures: &[GpoFigures], overlaps: &[Overlap], run: &RunInfo) {
    let mut by_readiness: Vec<(Readiness, usize)> =
        Readiness::ALL.iter().map(|&r| (r, 0)).collect();
    for f in figures {
        for ((_, sum), (_, n)) in by_readiness.iter_mut().zip(&f.by_readiness) {
            *sum += n;
        }
    }
    let total: usize = figures.iter().map(|f| f.total).sum();
    let supported: usize = figures.iter().map(|f| f.supported).sum();
    let conflicts = conflict_count(overlaps);
    let _ = writeln!(
        page,
        "<header>\n<h1>Group Policy analysis</h1>\n<p class=\"generator\">Generated by {} at {}, offline, from the GPOs given to <code>gpa analyze</code>; catalog: {} (<a href=\"#run\">about this report</a>).</p>\n</header>",
        generator(),
        escape(&run.time),
        escape(&run.catalog.summary()),
    );
    page.push_str("<section class=\"tiles\">\n");
    let _ = writeln!(
        page,
        "<div class=\"tile\"><b>{}</b><span>GPOs</span></div>\n<div class=\"tile\"><b>{total}</b><span>settings</span></div>\n<div class=\"tile\"><b>{}%</b><span>MDM support ({supported} settings)</span></div>\n<a class=\"tile\" href=\"#overlaps\"><b>{conflicts}</b><span>conflicts across GPOs</span></a>\n<a class=\"tile\" href=\"#overlaps\"><b>{}</b><span>duplicates across GPOs</span></a>",
        figures.len(),
        percent(supported, total),
        overlaps.len() - conflicts,
    );
    for (rank, (readiness, n)) in by_readiness.iter().enumerate() {
        let _ = writeln!(
            page,
            "<a class=\"tile r{rank}\" href=\"#readiness={}\"><b>{n}</b><span>{}</span></a>",
            fragment_value(readiness.text()),
            readiness.text()
        );
    }
    page.push_str("</section>\n");
    coverage_bar(page, &by_readiness, "bar wide");
    page.push('\n');
}

fn gpo_summary(page: &mut String, gpos: &[(&Gpo, &GpoAnalysis)], figures: &[GpoFigures]) {
    page.push_str("<h2>GPOs</h2>\n<p class=\"note\">Click a GPO to show its settings only.</p>\n");
    page.push_str("<table id=\"gpos\">\n<thead><tr><th>GPO</th><th>Domain</th><th>GUID</th><th class=\"num\">Settings</th><th class=\"num\">MDM support</th><th>Coverage</th><th>Linked</th><th class=\"num\">Unknown</th></tr></thead>\n<tbody>\n");
    for ((gpo, a), f) in gpos.iter().zip(figures) {
        let _ = write!(
            page,
            "<tr data-gpo=\"{id}\"><td><a href=\"#gpo={id}\" title=\"{origin}\">{name}</a></td><td>{domain}</td><td class=\"mono\">{guid}</td><td class=\"num\">{total}</td><td class=\"num\">{percent}%</td><td class=\"bar-cell\">",
            id = a.gpo,
            origin = escape(&gpo.origin),
            name = escape(&gpo.display_name),
            domain = escape(gpo.domain.as_deref().unwrap_or_default()),
            guid = escape(gpo.guid.as_deref().unwrap_or_default()),
            total = f.total,
            percent = f.supported_percent,
        );
        coverage_bar(page, &f.by_readiness, "bar");
        let _ = writeln!(
            page,
            "</td><td>{}</td><td class=\"num\">{}</td></tr>",
            if f.targeted { "yes" } else { "no" },
            f.unknown
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

fn settings_section(page: &mut String) {
    page.push_str(concat!(
        "<section id=\"settings\">\n<h2>Settings</h2>\n",
        "<noscript><p class=\"note\">The settings table needs JavaScript; the CSV report (<code>--csv</code>) has the same rows.</p></noscript>\n",
        "<p class=\"note\">Click a row to see every column of it.</p>\n",
        "<div id=\"settings-ui\" hidden>\n<div class=\"controls\">\n",
        "<input type=\"search\" id=\"search\" placeholder=\"Search every column\" aria-label=\"Search\">\n",
        "<select id=\"filter-readiness\" aria-label=\"Migration readiness\"><option value=\"\">Every readiness</option></select>\n",
        "<select id=\"filter-csp\" aria-label=\"CSP name\"><option value=\"\">Every CSP</option></select>\n",
        "<select id=\"filter-gpo\" aria-label=\"GPO\"><option value=\"\">Every GPO</option></select>\n",
        "<button type=\"button\" id=\"clear\">Clear</button>\n",
        "<button type=\"button\" id=\"export\" title=\"The shown rows, in the CSV report's columns\">Export shown rows (CSV)</button>\n",
        "<span id=\"shown\"></span>\n</div>\n",
        "<div class=\"scroll\"><div id=\"settings-table\" role=\"table\" aria-label=\"Settings\">",
        "<div class=\"row head\" role=\"row\" id=\"settings-head\"></div><div id=\"rows\" role=\"rowgroup\"></div>",
        "</div></div>\n",
        "</div>\n</section>\n",
    ));
}

fn overlaps_section(page: &mut String, overlaps: &[Overlap]) {
    let (conflicts, duplicates): (Vec<&Overlap>, Vec<&Overlap>) = overlaps
        .iter()
        .partition(|o| o.kind == OverlapKind::Conflict);
    let _ = writeln!(
        page,
        "<section id=\"overlaps\">\n<h2>Across GPOs</h2>\n<p class=\"note\">{} settings are set by several GPOs: {} with different values (conflicts: Intune's Migrate refuses them, pick one value) and {} with the same value (duplicates: keep one).</p>",
        overlaps.len(),
        conflicts.len(),
        duplicates.len()
    );
    overlap_group(page, "Conflicts", true, &conflicts, |page, o| {
        overlap_setting(page, o, o.gpos.len());
        for (i, entry) in o.gpos.iter().enumerate() {
            if i > 0 {
                page.push_str("<tr>");
            }
            let _ = writeln!(
                page,
                "<td>{}</td>{}</tr>",
                gpo_link(o, entry),
                value_cell(&entry.value)
            );
        }
    });
    overlap_group(page, "Duplicates", false, &duplicates, |page, o| {
        overlap_setting(page, o, 1);
        let links: Vec<String> = o.gpos.iter().map(|e| gpo_link(o, e)).collect();
        let value = o.gpos.first().map_or("", |e| e.value.as_str());
        let _ = writeln!(
            page,
            "<td>{}</td>{}</tr>",
            links.join("<br>"),
            value_cell(value)
        );
    });
    page.push_str("</section>\n");
}

/// A folding table of overlaps, one `<tbody>` each; `rows` writes an overlap's rows after its
/// opening `<tr>`.
fn overlap_group(
    page: &mut String,
    title: &str,
    open: bool,
    overlaps: &[&Overlap],
    rows: fn(&mut String, &Overlap),
) {
    let _ = writeln!(
        page,
        "<details{}>\n<summary>{title} ({})</summary>",
        if open { " open" } else { "" },
        overlaps.len()
    );
    if !overlaps.is_empty() {
        page.push_str("<table class=\"overlaps\">\n<thead><tr><th>Setting</th><th>Scope</th><th>GPO</th><th>Value</th></tr></thead>\n");
        for o in overlaps {
            page.push_str("<tbody><tr>");
            rows(page, o);
            page.push_str("</tbody>\n");
        }
        page.push_str("</table>\n");
    }
    page.push_str("</details>\n");
}

/// The GPO's name (with its domain when another GPO of the overlap has that name), filtering
/// the settings table to it.
fn gpo_link(overlap: &Overlap, entry: &OverlapEntry) -> String {
    format!(
        "<a href=\"#gpo={}\">{}</a>",
        entry.gpo,
        escape(&super::overlap_gpo_label(overlap, entry))
    )
}

fn value_cell(value: &str) -> String {
    format!(
        "<td class=\"value\"><div class=\"clip\">{}</div></td>",
        escape(value)
    )
}

/// The setting and scope cells of an overlap; the name searches the settings table for it.
fn overlap_setting(page: &mut String, overlap: &Overlap, rows: usize) {
    let span = if rows > 1 {
        format!(" rowspan=\"{rows}\"")
    } else {
        String::new()
    };
    let scope = super::scope_name(overlap.scope);
    let _ = write!(
        page,
        "<td{span}><a href=\"#q={}\">{}</a></td><td{span}>{scope}</td>",
        fragment_value(&overlap.name),
        escape(&overlap.name)
    );
}

#[cfg(test)]
mod tests {
    use super::{escape, fragment_value, source_file};

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape("<b a=\"1\" b='2'>&</b>"),
            "&lt;b a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;&lt;/b&gt;"
        );
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn fragment_values_are_percent_encoded() {
        assert_eq!(fragment_value("Not supported"), "Not%20supported");
        assert_eq!(fragment_value("a&b=c#d\"é"), "a%26b%3Dc%23d%22%C3%A9");
    }

    #[test]
    fn source_files_are_shown_below_the_gpo_folder() {
        assert_eq!(
            source_file("x/{G}/DomainSysvol/GPO/Machine/registry.pol", "x/{G}"),
            "DomainSysvol/GPO/Machine/registry.pol"
        );
        assert_eq!(source_file("r/report.xml", "r/report.xml"), "report.xml");
        assert_eq!(source_file("C:\\a\\gpreport.xml", "D:\\b"), "gpreport.xml");
    }
}
