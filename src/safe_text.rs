//! Text from the input, made safe to print: control characters escaped, and length bounded.
//!
//! gpa prints GPO names, paths and excerpts of files it was given. Those come from folders other
//! people write to and from files mailed around, so a name can hold ESC or BEL (which a terminal
//! obeys: set the title, move the cursor) or a newline (which forges a second `gpa: …` line), and
//! a damaged file can be megabytes of one line. Readers, reports and the CLI share these helpers.

use std::fmt::Write;

/// The longest excerpt of input a message quotes, in characters. Enough to recognise a line of
/// an INF or CSV file, short enough that a damaged file cannot flood a terminal or a log.
pub const EXCERPT_CHARS: usize = 80;

/// The longest message (reason) an input error carries, in characters: room for a file's own
/// words and an excerpt, never a file's contents.
pub const MESSAGE_CHARS: usize = 400;

/// `s` with every control character (C0, DEL, C1) and the Unicode line and paragraph separators
/// and bidirectional overrides written as `\u{…}` escapes (`\n`, `\r`, `\t` as those), so the
/// text stays on one line and a terminal shows it rather than obeys it. A backslash is kept as
/// it is: Windows paths and registry keys are full of them.
pub fn escape_control(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A block of lines for the terminal (a table, a listing): each line escaped as
/// [`escape_control`] does, the line breaks between them kept.
pub fn escape_lines(text: &str) -> String {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return text.to_string();
    }
    text.split('\n')
        .map(escape_control)
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters of `s`, escaped; `…` and the number of characters left out mark a
/// cut. Used for every quotation of input in a message.
pub fn excerpt(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return escape_control(s);
    }
    let head: String = s.chars().take(max).collect();
    format!(
        "{}… ({} more characters)",
        escape_control(&head),
        count - max
    )
}

/// An excerpt of raw bytes: the first `max` bytes, decoded lossily and escaped, for messages about
/// binary input.
pub fn byte_excerpt(bytes: &[u8], max: usize) -> String {
    let head = bytes.get(..max.min(bytes.len())).unwrap_or_default();
    let mut out = escape_control(&String::from_utf8_lossy(head));
    if bytes.len() > max {
        let _ = write!(out, "… ({} more bytes)", bytes.len() - max);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_backslashes_kept() {
        assert_eq!(
            escape_control("MSFT\u{1b}]0;owned\u{7}\nnext"),
            "MSFT\\u{1b}]0;owned\\u{7}\\nnext"
        );
        assert_eq!(
            escape_control("HKLM\\Software\\Policies"),
            "HKLM\\Software\\Policies"
        );
        assert_eq!(escape_control("a\u{202e}b\u{85}"), "a\\u{202e}b\\u{85}");
    }

    #[test]
    fn blocks_keep_their_lines() {
        assert_eq!(escape_lines("a\u{7}\nb\r\n"), "a\\u{7}\nb\\r\n");
        assert_eq!(escape_lines("plain\n"), "plain\n");
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = "\0".repeat(1_000_000);
        let short = excerpt(&long, 10);
        assert!(short.starts_with("\\u{0}\\u{0}"));
        assert!(short.ends_with("… (999990 more characters)"));
        assert!(short.len() < 100);
        assert_eq!(excerpt("abc", 10), "abc");
        assert_eq!(byte_excerpt(b"PReg\x01\0", 4), "PReg… (2 more bytes)");
    }
}
