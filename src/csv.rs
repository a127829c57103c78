//! CSV files for spreadsheets: UTF-8 with a byte-order mark (so that Excel shows ä and ö),
//! comma-separated, CRLF line ends.

/// One field, quoted when needed; a leading formula character is defused for spreadsheets.
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A whole document: the headings and the rows, each field escaped.
pub fn document(headings: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for line in std::iter::once(headings.to_vec()).chain(rows.iter().cloned()) {
        let fields: Vec<String> = line.iter().map(|f| field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Kotihoito, Ii"), "\"Kotihoito, Ii\"");
        assert_eq!(field("sanoi \"hei\""), "\"sanoi \"\"hei\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("-500"), "-500");
        assert_eq!(document(&["a".into()], &[vec!["ä".into()]]), "\u{feff}a\r\nä\r\n");
    }
}
