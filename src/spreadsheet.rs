//! Tables for spreadsheets, as the reader's Excel opens them: in Finnish and Swedish with
//! semicolons and a decimal comma, in English with commas and a decimal point. UTF-8 with a
//! byte-order mark (so that ä and ö show), CRLF line ends, and formulas defused.

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
    fn english_excel_gets_commas_and_decimal_points() {
        let text = csv(&table(), Locale::En);
        assert!(
            text.starts_with("\u{feff}Yksikkö,Osuus,Ideat\r\nKotihoito; Ii,0.1234,1500\r\n"),
            "{text}"
        );
        assert!(text.contains("'=SUM(A1),,-5"), "formulas defused: {text}");
    }
}
