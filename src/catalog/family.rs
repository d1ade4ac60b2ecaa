//! Ingested template families of the settings catalog: the definitions Intune made from a
//! third-party ADMX (`…/Policy/Config/{app}~Policy~{category}…/{Name}`), grouped by product so
//! `gpa catalog stats` can show per family how many join to an ADMX policy of the catalog.

use super::definitions::SettingDefinition;

/// The `{app}` part of a `/Config/{app}~Policy~…/{Name}` offset under `./Device|User/Vendor/MSFT/Policy`
/// (`chromeIntuneV1`, `microsoft_edgev98`, `office16v2.updates.2`); None for any other definition.
pub fn ingested_app(def: &SettingDefinition) -> Option<&str> {
    let base = def.base_uri.to_ascii_lowercase();
    if base != "./device/vendor/msft/policy" && base != "./user/vendor/msft/policy" {
        return None;
    }
    let config = def
        .offset_uri
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("/config/"))
        .and_then(|_| def.offset_uri.get(8..))?;
    let (area, _) = config.split_once('/')?;
    let mut parts = area.split('~');
    let app = parts.next()?;
    parts
        .next()
        .is_some_and(|p| p.eq_ignore_ascii_case("Policy"))
        .then_some(app)
}

/// The product an ingested app name belongs to, lower case: Intune adds each template revision
/// under a new app name (`microsoft_edgev98`, `microsoft_edgev78diff`, `chromeintunev141`,
/// `office16v2.updates.2`, `microsoft_edgeupdates.2`, `terminalserver-avdv1.upadtes`), and the
/// family is what stays once the revision suffix is removed (`microsoft_edge`, `chromeintune`,
/// `office16`, `terminalserver-avd`).
pub fn family_of_app(app: &str) -> String {
    let mut name = app.to_ascii_lowercase();
    // `office16v2.updates.2`, `terminalserver-avdv1.upadtes`: a dotted revision tail.
    if let Some(dot) = name.find(".up") {
        name.truncate(dot);
    }
    // `microsoft_edgeupdates.2`, `updateupdates.1`: "updates" glued to the app name.
    if let Some(at) = name.rfind("updates")
        && at > 0
    {
        name.truncate(at);
    }
    // `…v98`, `…v88.0.705.23`, `…v78diff`, `secguidev22h2`: a `v` and a digit start the revision.
    let bytes = name.as_bytes();
    let cut = (1..bytes.len().saturating_sub(1))
        .rev()
        .find(|&i| bytes[i] == b'v' && bytes[i + 1].is_ascii_digit());
    if let Some(cut) = cut {
        name.truncate(cut);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_fold_into_their_family() {
        for (app, family) in [
            ("chromeIntuneV1", "chromeintune"),
            ("chromeIntuneV141", "chromeintune"),
            ("microsoft_edge", "microsoft_edge"),
            ("microsoft_edgev98", "microsoft_edge"),
            ("microsoft_edgev88.0.705.23", "microsoft_edge"),
            ("microsoft_edgev78diff", "microsoft_edge"),
            ("microsoft_edgeupdates.2", "microsoft_edge"),
            ("microsoft_edge_webview2v2", "microsoft_edge_webview2"),
            ("office16v2.updates.2", "office16"),
            ("outlk16v14.1", "outlk16"),
            ("updateupdates.1", "update"),
            ("updatev87.updates.1", "update"),
            ("SecGuidev22h2", "secguide"),
            ("terminalServer-AVDv1.upadtes", "terminalserver-avd"),
            ("windowsApp", "windowsapp"),
        ] {
            assert_eq!(family_of_app(app), family, "{app}");
        }
    }
}
