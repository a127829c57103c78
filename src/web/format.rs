//! Display helpers for user-written text: escaped, with links made clickable and line breaks kept.

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text as safe HTML: everything escaped, http(s) links clickable, line breaks kept.
pub fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = find_link(rest) {
        out.push_str(&escape(&rest[..start]).replace('\n', "<br>"));
        let link = &rest[start..];
        let end = link
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(link.len());
        // Leave trailing punctuation out of the link.
        let url = link[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        let url_escaped = escape(url);
        out.push_str(&format!(
            "<a href=\"{url_escaped}\" rel=\"nofollow noopener\">{url_escaped}</a>"
        ));
        rest = &link[url.len()..];
    }
    out.push_str(&escape(rest).replace('\n', "<br>"));
    out
}

fn find_link(text: &str) -> Option<usize> {
    match (text.find("https://"), text.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links() {
        assert_eq!(linkify("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(
            linkify("Katso https://ii.fi/a?b=1&c=2.\nKiitos"),
            "Katso <a href=\"https://ii.fi/a?b=1&amp;c=2\" rel=\"nofollow noopener\">https://ii.fi/a?b=1&amp;c=2</a>.<br>Kiitos"
        );
        assert_eq!(linkify("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(
            linkify("x https://a.fi\"onmouseover=1"),
            "x <a href=\"https://a.fi\" rel=\"nofollow noopener\">https://a.fi</a>&quot;onmouseover=1"
        );
    }
}
