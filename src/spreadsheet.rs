//! Tables for spreadsheets, as the reader's Excel opens them: in Finnish and Swedish with
//! semicolons and a decimal comma, in English with commas and a decimal point. UTF-8 with a
//! byte-order mark (so that ä and ö show), CRLF line ends, and formulas defused. The same tables
//! also as Excel workbooks (.xlsx), where numbers are numbers in any language.

use crate::i18n::Locale;

/// One cell: numbers stay numbers, so that a spreadsheet can count with them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A number shown with this many decimals.
    Decimal(f64, usize),
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    /// A whole number.
    pub fn int(value: impl Into<i64>) -> Cell {
        Cell::Int(value.into())
    }

    /// A number with `places` decimals, or an empty cell.
    pub fn decimal(value: Option<f64>, places: usize) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Decimal(v, places))
    }
}

/// A table with its headings.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A text as a spreadsheet shows it, never as a formula: a leading =, +, - or @ is defused.
fn defused(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

fn cell_text(cell: &Cell, decimal_comma: bool) -> String {
    match cell {
        Cell::Text(t) => defused(t),
        Cell::Int(n) => n.to_string(),
        Cell::Decimal(v, places) => {
            let text = format!("{v:.places$}");
            if decimal_comma { text.replace('.', ",") } else { text }
        }
        Cell::Empty => String::new(),
    }
}

/// The table as a CSV document in the reader's convention.
pub fn csv(table: &Table, locale: Locale) -> String {
    let (delimiter, decimal_comma) = match locale {
        Locale::Fi | Locale::Sv => (b';', true),
        Locale::En => (b',', false),
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut write = |fields: Vec<String>| writer.write_record(&fields).map_err(|e| e.to_string());
    let mut result = write(table.headings.iter().map(|h| defused(h)).collect());
    for row in &table.rows {
        result = result.and_then(|_| write(row.iter().map(|c| cell_text(c, decimal_comma)).collect()));
    }
    // Writing into memory cannot fail; a failure would show as an empty document.
    let bytes = result.ok().and_then(|_| writer.into_inner().ok()).unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// The media type of an Excel workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The table as an Excel workbook of one sheet: bold headings, numbers stored as numbers with
/// their decimals (Excel shows them in the reader's convention), texts never read as formulas.
pub fn xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names are at most 31 characters and may not hold []:*?/\.
    let name: String = sheet_name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        sheet.set_name(name.trim())?;
    }
    let bold = Format::new().set_bold();
    for (col, heading) in table.headings.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, heading, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, col, t)?;
                }
                Cell::Int(n) => {
                    sheet.write_number(r, col, *n as f64)?;
                }
                Cell::Decimal(v, places) => {
                    let pattern = if *places == 0 {
                        "0".to_string()
                    } else {
                        format!("0.{}", "0".repeat(*places))
                    };
                    sheet.write_number_with_format(r, col, *v, &Format::new().set_num_format(&pattern))?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headings: vec!["Yksikkö".into(), "Osuus".into(), "Ideat".into()],
            rows: vec![
                vec![Cell::text("Kotihoito; Ii"), Cell::Decimal(0.1234, 4), Cell::Int(1500)],
                vec![Cell::text("=SUM(A1)"), Cell::Empty, Cell::Int(-5)],
                vec![Cell::text("sanoi \"hei\""), Cell::Decimal(-500.0, 2), Cell::Int(0)],
            ],
        }
    }

    #[test]
    fn finnish_excel_gets_semicolons_and_decimal_commas() {
        assert_eq!(
            csv(&table(), Locale::Fi),
            "\u{feff}Yksikkö;Osuus;Ideat\r\n\"Kotihoito; Ii\";0,1234;1500\r\n'=SUM(A1);;-5\r\n\"sanoi \"\"hei\"\"\";-500,00;0\r\n"
        );
    }

    #[test]
    fn a_workbook_holds_the_table_with_numbers_as_numbers() {
        let bytes = xlsx(&table(), "Yksiköt: [kaikki]").unwrap();
        assert!(bytes.starts_with(b"PK"), "a zip container");
        // The shared strings and the sheet are inside; a formula-like text stays a string.
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("xl/worksheets/sheet1.xml"));
    }

    #[test]
    fn english_excel_gets_commas_and_decimal_points() {
        let text = csv(&table(), Locale::En);
        assert!(
            text.starts_with("\u{feff}Yksikkö,Osuus,Ideat\r\nKotihoito; Ii,0.1234,1500\r\n"),
            "{text}"
        );
        assert!(text.contains("'=SUM(A1),,-5"), "formulas defused: {text}");
    }
}
