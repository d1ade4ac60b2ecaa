//! Decoding of the text files GPO exports are made of.
//!
//! The encoding is decided by the bytes, never by an XML declaration: GPMC writes UTF-16LE with a
//! BOM, PowerShell re-encodes to UTF-8 while keeping `encoding="utf-16"`, and some in-box ADMX files
//! declare one encoding and are stored in another.

use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE};

/// The encoding a file was found in, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SniffedEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16LeBom,
    Utf16BeBom,
}

/// Decodes `bytes` by BOM, then by content (a NUL in the second byte means UTF-16LE), else UTF-8.
/// Malformed sequences become U+FFFD rather than failing: a single bad byte in a 4 MB report must
/// not lose the whole GPO.
pub fn decode(bytes: &[u8]) -> (String, SniffedEncoding) {
    let (text, encoding, _) = decode_reporting(bytes);
    (text, encoding)
}

/// [`decode`], and whether some bytes were malformed (replaced by U+FFFD): a bit flip, or a
/// UTF-16 file cut at an odd byte. The damage checks of the text readers use it.
pub fn decode_reporting(bytes: &[u8]) -> (String, SniffedEncoding, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, malformed) = UTF_8.decode_without_bom_handling(rest);
        return (text.into_owned(), SniffedEncoding::Utf8Bom, malformed);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, malformed) = UTF_16LE.decode_without_bom_handling(rest);
        return (text.into_owned(), SniffedEncoding::Utf16LeBom, malformed);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (text, malformed) = UTF_16BE.decode_without_bom_handling(rest);
        return (text.into_owned(), SniffedEncoding::Utf16BeBom, malformed);
    }
    if bytes.len() >= 2 && bytes[0] != 0 && bytes[1] == 0 {
        let (text, malformed) = UTF_16LE.decode_without_bom_handling(bytes);
        return (text.into_owned(), SniffedEncoding::Utf16Le, malformed);
    }
    let (text, malformed) = UTF_8.decode_without_bom_handling(bytes);
    (text.into_owned(), SniffedEncoding::Utf8, malformed)
}

/// Decodes and returns only the text.
pub fn decode_text(bytes: &[u8]) -> String {
    decode(bytes).0
}

/// Decodes UTF-16LE code units that carry no BOM (registry.pol strings), stopping at the first NUL.
pub fn utf16le_until_nul(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16le_with_bom() {
        let bytes = [0xFF, 0xFE, b'<', 0, b'a', 0];
        assert_eq!(
            decode(&bytes),
            ("<a".to_string(), SniffedEncoding::Utf16LeBom)
        );
    }

    #[test]
    fn utf16le_without_bom_is_sniffed() {
        let bytes = [b'<', 0, b'a', 0];
        assert_eq!(decode(&bytes), ("<a".to_string(), SniffedEncoding::Utf16Le));
    }

    #[test]
    fn utf8_declaring_utf16_stays_utf8() {
        let text = "<?xml version=\"1.0\" encoding=\"utf-16\"?><GPO/>";
        assert_eq!(decode(text.as_bytes()).0, text);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let bytes = [0xEF, 0xBB, 0xBF, b'x'];
        assert_eq!(decode(&bytes), ("x".to_string(), SniffedEncoding::Utf8Bom));
    }

    #[test]
    fn utf16_string_stops_at_nul() {
        assert_eq!(utf16le_until_nul(&[b'a', 0, b'b', 0, 0, 0, b'c', 0]), "ab");
    }
}
