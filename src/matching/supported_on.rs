//! Reading a template's `supportedOn` text: does the policy apply only to Windows releases before
//! Windows 10?

/// True when the `supportedOn` display text names Windows releases and only ones before Windows
/// 10 ("Windows Server 2003 and Windows XP only", "Windows Vista only"). An open-ended statement
/// ("Microsoft Windows XP SP2 or later" in chrome.admx, "Windows 7 or later" in msedge.admx, "at
/// least Windows Vista") covers Windows 10 and 11; a text that names no Windows release at all
/// states the product's own versions ("Adobe Reader DC", "Firefox 60 or later", "Windows
/// Installer v3.0"), which say nothing about Windows.
pub fn only_before_windows_10(supported: &str) -> bool {
    let lower = supported.to_lowercase();
    const OPEN_ENDED: [&str; 4] = ["at least", "or later", "and later", "+"];
    const CURRENT: [&str; 6] = [
        "windows 10",
        "windows 11",
        "server 2016",
        "server 2019",
        "server 2022",
        "server 2025",
    ];
    const OLD: [&str; 10] = [
        "windows xp",
        "windows 2000",
        "vista",
        "windows 7",
        "windows 8",
        "windows rt",
        "server 2003",
        "server 2008",
        "server 2012",
        "windows me",
    ];
    OLD.iter().any(|w| lower.contains(w))
        && !OPEN_ENDED.iter().any(|o| lower.contains(o))
        && !CURRENT.iter().any(|c| lower.contains(c))
}

#[cfg(test)]
mod tests {
    use super::only_before_windows_10;

    #[test]
    fn open_ended_and_product_only_statements_are_not_old() {
        for text in [
            "Microsoft Windows XP SP2 or later",
            "Microsoft Edge version 77, Windows 7 or later",
            "At least Windows Vista",
            "Windows Media Player for Windows XP and later.",
            "Adobe Reader DC",
            "Firefox 60 or later, Firefox 60 ESR or later",
            "At least Windows Server 2016, Windows 10",
        ] {
            assert!(!only_before_windows_10(text), "{text}");
        }
        for text in [
            "Windows Server 2003 and Windows XP only",
            "Windows Vista only",
            "Windows Server 2008 R2 and Windows 7",
            "Windows Server 2012, Windows 8, Windows RT, Windows Server 2012 R2, Windows 8.1 or Windows RT 8.1 only",
        ] {
            assert!(only_before_windows_10(text), "{text}");
        }
    }
}
