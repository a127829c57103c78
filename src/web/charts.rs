//! Server-rendered SVG charts that need no scripts. Each chart carries a title and a text
//! description; the page shows the same numbers in a table beside it.

use super::format::escape;

/// One bar: a label and a value.
pub struct Bar {
    pub label: String,
    pub value: i64,
}

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 200;
const ROW: i64 = 34;

/// Horizontal bars (the funnel), longest value across the whole width.
pub fn horizontal(id: &str, title: &str, description: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as i64 + 10;
    let mut out = svg_open(id, title, description, height);
    for (i, b) in bars.iter().enumerate() {
        let y = 5 + ROW * i as i64;
        let width = (WIDTH - LABEL_WIDTH - 60) * b.value / max;
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\">{label}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width}\" height=\"{h}\" class=\"chart-bar\"/>\
             <text x=\"{vx}\" y=\"{ty}\" class=\"chart-value\">{value}</text>",
            x = LABEL_WIDTH - 8,
            ty = y + 19,
            label = escape(&b.label),
            h = ROW - 10,
            vx = LABEL_WIDTH + width + 6,
            value = b.value,
        ));
    }
    out.push_str("</svg>");
    out
}

/// Vertical bars in pairs per period (ideas and experiments per month).
pub fn paired_columns(
    id: &str,
    title: &str,
    description: &str,
    labels: &[String],
    first: &[i64],
    second: &[i64],
) -> String {
    let height = 220;
    let base = height - 30;
    let max = first.iter().chain(second).copied().max().unwrap_or(0).max(1);
    let slot = ((WIDTH - 40) / labels.len().max(1) as i64).max(8);
    let bar = (slot / 3).max(2);
    let mut out = svg_open(id, title, description, height);
    out.push_str(&format!(
        "<line x1=\"30\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\" class=\"chart-axis\"/>"
    ));
    for (i, label) in labels.iter().enumerate() {
        let x = 34 + slot * i as i64;
        for (k, (values, class)) in [(first, "chart-bar"), (second, "chart-bar second")]
            .into_iter()
            .enumerate()
        {
            let v = values.get(i).copied().unwrap_or(0);
            let h = (base - 20) * v / max;
            out.push_str(&format!(
                "<rect x=\"{bx}\" y=\"{by}\" width=\"{bar}\" height=\"{h}\" class=\"{class}\"/>",
                bx = x + k as i64 * bar,
                by = base - h,
            ));
        }
        // Every label when they fit, else every third.
        if labels.len() <= 12 || i % 3 == 0 {
            out.push_str(&format!(
                "<text x=\"{x}\" y=\"{ly}\" class=\"chart-label small\">{label}</text>",
                ly = base + 16,
                label = escape(label),
            ));
        }
    }
    out.push_str("</svg>");
    out
}

fn svg_open(id: &str, title: &str, description: &str, height: i64) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        title = escape(title),
        desc = escape(description),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_text_and_scale_bars() {
        let bars = [
            Bar {
                label: "<b>Ideat</b>".into(),
                value: 10,
            },
            Bar {
                label: "Kokeilut".into(),
                value: 5,
            },
        ];
        let svg = horizontal("f", "Suppilo & muut", "Ideat 10, kokeilut 5", &bars);
        assert!(svg.contains("&lt;b&gt;Ideat&lt;/b&gt;"));
        assert!(svg.contains("Suppilo &amp; muut"));
        assert!(svg.contains("width=\"380\""), "{svg}");
        assert!(svg.contains("width=\"190\""), "{svg}");
        let columns = paired_columns("m", "t", "d", &["2026-01".into()], &[3], &[0]);
        assert!(columns.contains("height=\"0\""));
    }
}
