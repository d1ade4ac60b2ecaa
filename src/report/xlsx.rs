//! The workbook report (`--xlsx`): what review boards are handed. Four sheets:
//!
//! - **Summary**: per GPO its settings, MDM support, rows per readiness, whether it is linked,
//!   its domain; the totals; then the run (gpa version, time, catalog, inputs).
//! - **Settings**: the CSV report's columns and rows ([`super::settings_table`]), header frozen,
//!   filters on, the readiness cell in the HTML report's colour, the Reason wrapped.
//! - **Conflicts and duplicates**: one row per setting and GPO for the settings several GPOs set.
//! - **Does not migrate**: the Not supported and Not applicable rows, with the reason or the
//!   replacement.
//!
//! Cells hold text as text: a value that starts with `=` is a string cell, never a formula, so
//! no value is altered here (the CSV needs its leading apostrophe; a workbook does not). The
//! document's creation time is the run's time, so with `SOURCE_DATE_EPOCH` set the same input
//! gives the same bytes.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::matching::analyze::{Analysis, Overlap, OverlapKind, Readiness};
use crate::model::Inventory;
use crate::run_info::RunInfo;

use super::legend::{LEGEND, entry};
use super::settings_table::{COLUMNS, Column, Record, records};
use super::summary::{GpoFigures, figures, percent};

/// The sheet names, in order.
pub const SHEETS: [&str; 4] = [
    "Summary",
    "Settings",
    "Conflicts and duplicates",
    "Does not migrate",
];

/// Excel's limit on the characters of one cell.
const CELL_LIMIT: usize = 32_767;

/// The workbook as bytes.
pub fn write(inventory: &Inventory, analysis: &Analysis, run: &RunInfo) -> Result<Vec<u8>, String> {
    build(inventory, analysis, run).map_err(|e| format!("cannot write the workbook: {e}"))
}

/// The formats the sheets share.
struct Formats {
    header: Format,
    text: Format,
    wrapped: Format,
    number: Format,
    percent: Format,
    total: Format,
    total_percent: Format,
    label: Format,
    /// By readiness, in [`Readiness::ALL`] order.
    readiness: Vec<Format>,
}

impl Formats {
    fn new() -> Formats {
        let top = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xf3f5f7))
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            text: top.clone(),
            wrapped: top.clone().set_text_wrap(),
            number: top.clone(),
            percent: top.clone().set_num_format("0%"),
            total: Format::new().set_bold().set_border_top(FormatBorder::Thin),
            total_percent: Format::new()
                .set_bold()
                .set_border_top(FormatBorder::Thin)
                .set_num_format("0%"),
            label: Format::new().set_bold().set_align(FormatAlign::Top),
            readiness: LEGEND
                .iter()
                .map(|e| {
                    top.clone()
                        .set_background_color(Color::RGB(rgb(e.colour)))
                        .set_font_color(Color::White)
                        .set_bold()
                })
                .collect(),
        }
    }

    fn readiness(&self, readiness: Readiness) -> &Format {
        let rank = Readiness::ALL
            .iter()
            .position(|r| *r == readiness)
            .unwrap_or_default();
        &self.readiness[rank]
    }
}

/// `#2e8540` as 0x2e8540.
fn rgb(colour: &str) -> u32 {
    u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap_or(0)
}

fn build(inventory: &Inventory, analysis: &Analysis, run: &RunInfo) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(run.unix_time)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Group Policy analysis")
            .set_author(format!("gpa {}", run.gpa_version))
            .set_comment(format!("Catalog: {}", run.catalog.summary()))
            .set_creation_datetime(&created),
    );
    let formats = Formats::new();
    let records = records(inventory, analysis);

    summary_sheet(
        workbook.add_worksheet().set_name(SHEETS[0])?,
        inventory,
        analysis,
        run,
        &formats,
    )?;
    settings_sheet(
        workbook.add_worksheet().set_name(SHEETS[1])?,
        &records,
        &formats,
    )?;
    overlaps_sheet(
        workbook.add_worksheet().set_name(SHEETS[2])?,
        inventory,
        analysis,
        &formats,
    )?;
    does_not_migrate_sheet(
        workbook.add_worksheet().set_name(SHEETS[3])?,
        &records,
        &formats,
    )?;
    workbook.save_to_buffer()
}

/// A string cell, cut to Excel's limit (saying so) rather than failing the whole workbook.
fn text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if value.chars().count() <= CELL_LIMIT {
        sheet.write_string_with_format(row, col, value, format)?;
    } else {
        let note = " … [cut at Excel's cell limit; the CSV and JSON reports have the whole text]";
        let keep: String = value
            .chars()
            .take(CELL_LIMIT - note.chars().count())
            .collect();
        sheet.write_string_with_format(row, col, keep + note, format)?;
    }
    Ok(())
}

fn header(
    sheet: &mut Worksheet,
    row: u32,
    names: &[&str],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        text(sheet, row, col as u16, name, &formats.header)?;
    }
    Ok(())
}

fn widths(sheet: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    Ok(())
}

/// A table's header frozen and its filter buttons on.
fn freeze_and_filter(sheet: &mut Worksheet, rows: usize, columns: usize) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.max(1) as u32, (columns - 1) as u16)?;
    Ok(())
}

/// The Summary sheet's columns: the GPO, its figures, a count per readiness (in
/// [`Readiness::ALL`] order), then the rest.
fn summary_columns() -> Vec<&'static str> {
    let mut columns = vec!["GPO Name", "GPO GUID", "Domain", "Settings", "MDM Support"];
    columns.extend(Readiness::ALL.iter().map(|r| r.text()));
    columns.extend(["Linked", "Migration Readiness", "GPO Source"]);
    columns
}

fn summary_sheet(
    sheet: &mut Worksheet,
    inventory: &Inventory,
    analysis: &Analysis,
    run: &RunInfo,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let columns = summary_columns();
    header(sheet, 0, &columns, formats)?;
    widths(
        sheet,
        &[
            48.0, 40.0, 18.0, 9.0, 9.0, 8.0, 11.0, 9.0, 10.0, 9.0, 11.0, 9.0, 7.0, 11.0, 60.0,
        ],
    )?;
    let mut totals = GpoFigures::default();
    let mut by_readiness = [0usize; Readiness::ALL.len()];
    let mut row = 0u32;
    for a in &analysis.gpos {
        let Some(gpo) = inventory.gpos.get(a.gpo) else {
            continue;
        };
        row += 1;
        let f = figures(gpo, a);
        text(sheet, row, 0, &gpo.display_name, &formats.text)?;
        text(
            sheet,
            row,
            1,
            gpo.guid.as_deref().unwrap_or_default(),
            &formats.text,
        )?;
        text(
            sheet,
            row,
            2,
            gpo.domain.as_deref().unwrap_or_default(),
            &formats.text,
        )?;
        sheet.write_number_with_format(row, 3, f.total as f64, &formats.number)?;
        sheet.write_number_with_format(
            row,
            4,
            f64::from(f.supported_percent) / 100.0,
            &formats.percent,
        )?;
        for (i, (_, n)) in f.by_readiness.iter().enumerate() {
            sheet.write_number_with_format(row, 5 + i as u16, *n as f64, &formats.number)?;
            by_readiness[i] += n;
        }
        text(
            sheet,
            row,
            12,
            if f.targeted { "Yes" } else { "No" },
            &formats.text,
        )?;
        text(sheet, row, 13, f.migration_readiness, &formats.text)?;
        text(sheet, row, 14, &gpo.origin, &formats.text)?;
        totals.total += f.total;
        totals.supported += f.supported;
        totals.unknown += f.unknown;
    }
    let gpo_rows = row;
    freeze_and_filter(sheet, gpo_rows as usize, columns.len())?;
    row += 1;
    text(
        sheet,
        row,
        0,
        &format!("Total ({gpo_rows} GPOs)"),
        &formats.total,
    )?;
    for col in 1..columns.len() as u16 {
        sheet.write_blank(row, col, &formats.total)?;
    }
    sheet.write_number_with_format(row, 3, totals.total as f64, &formats.total)?;
    sheet.write_number_with_format(
        row,
        4,
        f64::from(percent(totals.supported, totals.total - totals.unknown)) / 100.0,
        &formats.total_percent,
    )?;
    for (i, n) in by_readiness.iter().enumerate() {
        sheet.write_number_with_format(row, 5 + i as u16, *n as f64, &formats.total)?;
    }
    row += 2;
    text(
        sheet,
        row,
        0,
        &format!(
            "{} settings are set by several GPOs, {} of them with different values: see Conflicts and duplicates. MDM Support counts Ready, Deprecated, Needs review and Custom OMA-URI, over the settings gpa can identify (Unknown left out).",
            analysis.overlaps.len(),
            super::summary::conflict_count(&analysis.overlaps)
        ),
        &formats.text,
    )?;
    row += 2;
    row = legend_block(sheet, row, formats)?;
    run_block(sheet, row + 1, run, formats)?;
    Ok(())
}

/// Each readiness in its colour, with its next step (wrapped in the wide GUID column) and its
/// meaning (running on over the empty cells to its right).
fn legend_block(sheet: &mut Worksheet, mut row: u32, formats: &Formats) -> Result<u32, XlsxError> {
    text(sheet, row, 0, "Migration Readiness", &formats.label)?;
    text(sheet, row, 1, "Next step", &formats.label)?;
    text(sheet, row, 2, "Meaning", &formats.label)?;
    for e in &LEGEND {
        row += 1;
        let colour = formats.readiness(e.readiness);
        text(sheet, row, 0, e.readiness.text(), colour)?;
        text(sheet, row, 1, e.next_step, &formats.wrapped)?;
        text(sheet, row, 2, e.meaning, &formats.text)?;
    }
    Ok(row + 1)
}

/// The run's metadata, one labelled line each.
fn run_block(
    sheet: &mut Worksheet,
    mut row: u32,
    run: &RunInfo,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut lines: Vec<(&str, String)> = vec![
        ("Generated by", format!("gpa {}", run.gpa_version)),
        ("Run time", run.time.clone()),
        ("Catalog", run.catalog.summary()),
    ];
    if let Some(s) = &run.catalog.snapshot {
        lines.push((
            "Templates",
            format!(
                "{} ({}; {})",
                s.templates.what, s.templates.date, s.templates.source
            ),
        ));
        lines.push((
            "DDF",
            format!("{} ({}; {})", s.ddf.what, s.ddf.date, s.ddf.source),
        ));
        lines.push((
            "Settings catalog",
            format!(
                "{} ({}; {})",
                s.definitions.what, s.definitions.date, s.definitions.source
            ),
        ));
    }
    lines.push(("Catalog source", run.catalog.source.clone()));
    for input in &run.inputs {
        lines.push(("Input", input.clone()));
    }
    for (label, value) in lines {
        text(sheet, row, 0, label, &formats.label)?;
        text(sheet, row, 1, &value, &formats.text)?;
        row += 1;
    }
    Ok(())
}

fn settings_sheet(
    sheet: &mut Worksheet,
    records: &[Record],
    formats: &Formats,
) -> Result<(), XlsxError> {
    header(sheet, 0, &COLUMNS, formats)?;
    let mut width = [14.0; COLUMNS.len()];
    for (column, w) in [
        (Column::GpoName, 36.0),
        (Column::GpoGuid, 28.0),
        (Column::SettingName, 44.0),
        (Column::Category, 30.0),
        (Column::Value, 30.0),
        (Column::MigrationReadiness, 16.0),
        (Column::CspMapping, 40.0),
        (Column::SettingsCatalogId, 40.0),
        (Column::MatchRoute, 30.0),
        (Column::SourceFile, 30.0),
        (Column::SourceKey, 30.0),
        (Column::Reason, 60.0),
        (Column::AcrossGpos, 30.0),
        (Column::Domain, 18.0),
        (Column::GpoSource, 30.0),
        (Column::DamagedSource, 20.0),
    ] {
        width[column.index()] = w;
    }
    widths(sheet, &width)?;
    for (i, record) in records.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, field) in record.fields.iter().enumerate() {
            let format = if col == Column::MigrationReadiness.index() {
                formats.readiness(record.row.readiness)
            } else if col == Column::Reason.index() || col == Column::Value.index() {
                &formats.wrapped
            } else {
                &formats.text
            };
            text(sheet, row, col as u16, field, format)?;
        }
    }
    freeze_and_filter(sheet, records.len(), COLUMNS.len())
}

const OVERLAP_COLUMNS: [&str; 10] = [
    "Setting Name",
    "Scope",
    "Across GPOs",
    "Values Agree",
    "GPO Name",
    "Domain",
    "GPO GUID",
    "Value",
    "Migration Readiness",
    "Setting Identity",
];

/// One row per setting and GPO: conflicts first, then duplicates, each in identity order.
fn overlaps_sheet(
    sheet: &mut Worksheet,
    inventory: &Inventory,
    analysis: &Analysis,
    formats: &Formats,
) -> Result<(), XlsxError> {
    header(sheet, 0, &OVERLAP_COLUMNS, formats)?;
    widths(
        sheet,
        &[44.0, 8.0, 12.0, 8.0, 36.0, 18.0, 28.0, 40.0, 16.0, 50.0],
    )?;
    let ordered = analysis
        .overlaps
        .iter()
        .filter(|o| o.kind == OverlapKind::Conflict)
        .chain(
            analysis
                .overlaps
                .iter()
                .filter(|o| o.kind == OverlapKind::Duplicate),
        );
    let mut row = 0u32;
    for overlap in ordered {
        for e in &overlap.gpos {
            row += 1;
            let gpo = inventory.gpos.get(e.gpo);
            let readiness = readiness_in(analysis, overlap, e.gpo);
            let (kind, agree) = match overlap.kind {
                OverlapKind::Conflict => ("Conflict", "No"),
                OverlapKind::Duplicate => ("Duplicate", "Yes"),
            };
            text(sheet, row, 0, &overlap.name, &formats.text)?;
            text(
                sheet,
                row,
                1,
                super::scope_name(overlap.scope),
                &formats.text,
            )?;
            text(sheet, row, 2, kind, &formats.text)?;
            text(sheet, row, 3, agree, &formats.text)?;
            text(sheet, row, 4, &e.gpo_name, &formats.text)?;
            text(
                sheet,
                row,
                5,
                e.domain.as_deref().unwrap_or_default(),
                &formats.text,
            )?;
            text(
                sheet,
                row,
                6,
                gpo.and_then(|g| g.guid.as_deref()).unwrap_or_default(),
                &formats.text,
            )?;
            text(sheet, row, 7, &e.value, &formats.wrapped)?;
            match readiness {
                Some(r) => text(sheet, row, 8, r.text(), formats.readiness(r))?,
                None => text(sheet, row, 8, "", &formats.text)?,
            }
            text(sheet, row, 9, &overlap.identity.to_string(), &formats.text)?;
        }
    }
    freeze_and_filter(sheet, row as usize, OVERLAP_COLUMNS.len())
}

/// The readiness of the overlapping setting's row in one GPO.
fn readiness_in(analysis: &Analysis, overlap: &Overlap, gpo: usize) -> Option<Readiness> {
    analysis
        .gpos
        .iter()
        .find(|a| a.gpo == gpo)?
        .rows
        .iter()
        .find(|r| r.identity == overlap.identity)
        .map(|r| r.readiness)
}

const DOES_NOT_MIGRATE_COLUMNS: [&str; 10] = [
    "GPO Name",
    "Domain",
    "Setting Name",
    "Category",
    "Scope",
    "Value",
    "Migration Readiness",
    "Reason or Replacement",
    "Next Step",
    "Source File",
];

fn does_not_migrate_sheet(
    sheet: &mut Worksheet,
    records: &[Record],
    formats: &Formats,
) -> Result<(), XlsxError> {
    header(sheet, 0, &DOES_NOT_MIGRATE_COLUMNS, formats)?;
    widths(
        sheet,
        &[36.0, 18.0, 44.0, 30.0, 8.0, 30.0, 16.0, 70.0, 40.0, 40.0],
    )?;
    let mut row = 0u32;
    for record in records.iter().filter(|r| {
        matches!(
            r.row.readiness,
            Readiness::NotSupported | Readiness::NotApplicable
        )
    }) {
        row += 1;
        let field = |c: Column| record.fields[c.index()].as_ref();
        let readiness = record.row.readiness;
        text(sheet, row, 0, field(Column::GpoName), &formats.text)?;
        text(sheet, row, 1, field(Column::Domain), &formats.text)?;
        text(sheet, row, 2, field(Column::SettingName), &formats.text)?;
        text(sheet, row, 3, &record.row.category, &formats.text)?;
        text(sheet, row, 4, super::scope_text(record.row), &formats.text)?;
        text(sheet, row, 5, field(Column::Value), &formats.wrapped)?;
        text(
            sheet,
            row,
            6,
            readiness.text(),
            formats.readiness(readiness),
        )?;
        text(sheet, row, 7, field(Column::Reason), &formats.wrapped)?;
        text(sheet, row, 8, entry(readiness).next_step, &formats.wrapped)?;
        text(sheet, row, 9, field(Column::SourceFile), &formats.text)?;
    }
    freeze_and_filter(sheet, row as usize, DOES_NOT_MIGRATE_COLUMNS.len())
}
