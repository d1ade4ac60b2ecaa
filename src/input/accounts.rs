//! Well-known Windows accounts: the SID behind a name a GPO export gives without one.
//!
//! GPMC and RSoP reports list user rights members by name only (`Administrators`, `LOCAL
//! SERVICE`, `NT SERVICE\WdiServiceHost`), and some security templates do too. Names are
//! localized on the device (`Administrateurs`, `Administratoren`, `Administradores`), while
//! Intune's UserRights CSP and Microsoft's baselines use SIDs (`*S-1-5-32-544`). A reader turns a
//! well-known name into its SID here, so a report and the raw files give the same value; any other
//! name stays a name, and conversion says it needs the account's SID.
//!
//! The SIDs are those of Microsoft Learn's "Well-known SIDs" and "Security identifiers" pages;
//! the English names are those GPMC writes; the French, German and Spanish names are the display
//! names of localized Windows releases.

/// A well-known account: its SID and the names Windows shows for it (English first).
struct WellKnown {
    sid: &'static str,
    names: &'static [&'static str],
}

const fn wk(sid: &'static str, names: &'static [&'static str]) -> WellKnown {
    WellKnown { sid, names }
}

/// English, French, German and Spanish names; `BUILTIN\` / `NT AUTHORITY\` prefixes (and their
/// localized forms) are stripped before lookup, so they are not repeated here.
const WELL_KNOWN: &[WellKnown] = &[
    wk("S-1-1-0", &["Everyone", "Tout le monde", "Jeder", "Todos"]),
    wk(
        "S-1-3-0",
        &[
            "CREATOR OWNER",
            "CREATEUR PROPRIETAIRE",
            "ERSTELLER-BESITZER",
            "CREADOR PROPIETARIO",
        ],
    ),
    wk("S-1-5-2", &["NETWORK", "RESEAU", "NETZWERK", "RED"]),
    wk("S-1-5-3", &["BATCH"]),
    wk(
        "S-1-5-4",
        &["INTERACTIVE", "INTERACTIF", "INTERAKTIV", "INTERACTIVO"],
    ),
    wk("S-1-5-6", &["SERVICE", "DIENST", "SERVICIO"]),
    wk("S-1-5-7", &["ANONYMOUS LOGON", "ANONYMOUS-ANMELDUNG"]),
    wk(
        "S-1-5-9",
        &[
            "ENTERPRISE DOMAIN CONTROLLERS",
            "CONTROLEURS DE DOMAINE D'ENTREPRISE",
            "DOMANENCONTROLLER DER ORGANISATION",
            "CONTROLADORES DE DOMINIO DE EMPRESA",
        ],
    ),
    wk(
        "S-1-5-11",
        &[
            "Authenticated Users",
            "Utilisateurs authentifies",
            "Authentifizierte Benutzer",
            "Usuarios autentificados",
        ],
    ),
    wk("S-1-5-12", &["RESTRICTED"]),
    wk(
        "S-1-5-14",
        &["REMOTE INTERACTIVE LOGON", "REMOTEINTERAKTIVE ANMELDUNG"],
    ),
    wk(
        "S-1-5-18",
        &["SYSTEM", "LOCAL SYSTEM", "SYSTEME", "SISTEMA"],
    ),
    wk(
        "S-1-5-19",
        &[
            "LOCAL SERVICE",
            "SERVICE LOCAL",
            "LOKALER DIENST",
            "SERVICIO LOCAL",
        ],
    ),
    wk(
        "S-1-5-20",
        &[
            "NETWORK SERVICE",
            "SERVICE RESEAU",
            "NETZWERKDIENST",
            "SERVICIO DE RED",
        ],
    ),
    wk(
        "S-1-5-32-544",
        &[
            "Administrators",
            "Administrateurs",
            "Administratoren",
            "Administradores",
        ],
    ),
    wk(
        "S-1-5-32-545",
        &["Users", "Utilisateurs", "Benutzer", "Usuarios"],
    ),
    wk("S-1-5-32-546", &["Guests", "Invites", "Gaste", "Invitados"]),
    wk(
        "S-1-5-32-547",
        &[
            "Power Users",
            "Utilisateurs avec pouvoir",
            "Hauptbenutzer",
            "Usuarios avanzados",
        ],
    ),
    wk(
        "S-1-5-32-548",
        &[
            "Account Operators",
            "Operateurs de compte",
            "Konten-Operatoren",
            "Opers. de cuentas",
        ],
    ),
    wk(
        "S-1-5-32-549",
        &[
            "Server Operators",
            "Operateurs de serveur",
            "Server-Operatoren",
            "Operadores de servidores",
        ],
    ),
    wk(
        "S-1-5-32-550",
        &[
            "Print Operators",
            "Operateurs d'impression",
            "Druck-Operatoren",
            "Opers. de impresion",
        ],
    ),
    wk(
        "S-1-5-32-551",
        &[
            "Backup Operators",
            "Operateurs de sauvegarde",
            "Sicherungs-Operatoren",
            "Operadores de copia de seguridad",
        ],
    ),
    wk(
        "S-1-5-32-552",
        &[
            "Replicator",
            "Duplicateurs",
            "Replikations-Operator",
            "Duplicadores",
        ],
    ),
    wk(
        "S-1-5-32-554",
        &[
            "Pre-Windows 2000 Compatible Access",
            "Acces compatible pre-Windows 2000",
            "Pra-Windows 2000 kompatibler Zugriff",
            "Acceso compatible con versiones anteriores de Windows 2000",
        ],
    ),
    wk(
        "S-1-5-32-555",
        &[
            "Remote Desktop Users",
            "Utilisateurs du Bureau a distance",
            "Remotedesktopbenutzer",
            "Usuarios de escritorio remoto",
        ],
    ),
    wk(
        "S-1-5-32-556",
        &[
            "Network Configuration Operators",
            "Operateurs de configuration reseau",
            "Netzwerkkonfigurations-Operatoren",
            "Operadores de configuracion de red",
        ],
    ),
    wk(
        "S-1-5-32-558",
        &[
            "Performance Monitor Users",
            "Utilisateurs de l'Analyseur de performances",
            "Leistungsuberwachungsbenutzer",
            "Usuarios del monitor de sistema",
        ],
    ),
    wk(
        "S-1-5-32-559",
        &[
            "Performance Log Users",
            "Utilisateurs du journal de performances",
            "Leistungsprotokollbenutzer",
            "Usuarios del registro de rendimiento",
        ],
    ),
    wk(
        "S-1-5-32-562",
        &[
            "Distributed COM Users",
            "Utilisateurs du modele COM distribue",
            "Distributed COM-Benutzer",
            "Usuarios COM distribuidos",
        ],
    ),
    wk("S-1-5-32-568", &["IIS_IUSRS"]),
    wk(
        "S-1-5-32-569",
        &[
            "Cryptographic Operators",
            "Operateurs de chiffrement",
            "Kryptografie-Operatoren",
            "Operadores criptograficos",
        ],
    ),
    wk(
        "S-1-5-32-573",
        &[
            "Event Log Readers",
            "Lecteurs des journaux d'evenements",
            "Ereignisprotokollleser",
            "Lectores del registro de eventos",
        ],
    ),
    wk(
        "S-1-5-32-578",
        &[
            "Hyper-V Administrators",
            "Administrateurs Hyper-V",
            "Hyper-V-Administratoren",
            "Administradores de Hyper-V",
        ],
    ),
    wk(
        "S-1-5-32-580",
        &[
            "Remote Management Users",
            "Utilisateurs de gestion a distance",
            "Remoteverwaltungsbenutzer",
            "Usuarios de administracion remota",
        ],
    ),
    wk(
        "S-1-5-32-583",
        &[
            "Device Owners",
            "Proprietaires d'appareils",
            "Gerätebesitzer",
            "Propietarios del dispositivo",
        ],
    ),
    wk(
        "S-1-5-113",
        &[
            "Local account",
            "Compte local",
            "Lokales Konto",
            "Cuenta local",
        ],
    ),
    wk(
        "S-1-5-114",
        &[
            "Local account and member of Administrators group",
            "Compte local et membre du groupe Administrateurs",
            "Lokales Konto und Mitglied der Gruppe \"Administratoren\"",
            "Cuenta local y miembro del grupo Administradores",
        ],
    ),
    wk("S-1-5-80-0", &["NT SERVICE\\ALL SERVICES", "ALL SERVICES"]),
    wk("S-1-5-83-0", &["NT VIRTUAL MACHINE\\Virtual Machines"]),
    wk(
        "S-1-5-90-0",
        &[
            "Window Manager\\Window Manager Group",
            "Window Manager Group",
        ],
    ),
    wk(
        "S-1-15-2-1",
        &[
            "ALL APPLICATION PACKAGES",
            "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES",
            "TOUS LES PACKAGES D'APPLICATION",
            "ALLE ANWENDUNGSPAKETE",
            "TODOS LOS PAQUETES DE APLICACIONES",
        ],
    ),
];

/// Domain parts that name the machine's own built-in authorities (English, French, German,
/// Spanish); a name under any other domain (`CONTOSO\Administrators`) is not well known.
const BUILTIN_DOMAINS: [&str; 5] = [
    "BUILTIN",
    "NT AUTHORITY",
    "AUTORITE NT",
    "NT-AUTORITAT",
    "VORDEFINIERT",
];

/// Case-, accent- and apostrophe-insensitive form of a name: GPO exports and hand-written
/// templates spell `Invités`/`Invites`, `Gäste`, `D’ENTREPRISE` as they please.
fn fold(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' | 'Í' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' | 'Ó' => 'o',
            'û' | 'ü' | 'ù' | 'ú' | 'Û' | 'Ü' | 'Ù' | 'Ú' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            '’' | '‘' => '\'',
            '“' | '”' | '„' => '"',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The SID of a well-known account name (`Administrators`, `BUILTIN\Administrateurs`,
/// `NT AUTHORITY\LOCAL SERVICE`), or of a service account (`NT SERVICE\TrustedInstaller`, whose
/// SID is computed from the service name); None for any other name.
pub fn well_known_sid(name: &str) -> Option<String> {
    let folded = fold(name);
    if let Some(found) = lookup(&folded) {
        return Some(found.to_string());
    }
    if let Some((domain, account)) = folded.split_once('\\') {
        if BUILTIN_DOMAINS.iter().any(|d| fold(d) == domain) {
            return lookup(account).map(str::to_string);
        }
        if domain == "nt service" && !account.is_empty() {
            let service = name.trim().split_once('\\').map(|(_, s)| s.trim())?;
            return Some(service_sid(service));
        }
    }
    None
}

fn lookup(folded: &str) -> Option<&'static str> {
    WELL_KNOWN
        .iter()
        .find(|w| w.names.iter().any(|n| fold(n) == folded))
        .map(|w| w.sid)
}

/// The SID Windows gives a service (`NT SERVICE\<name>`): S-1-5-80- and the SHA-1 of the
/// upper-cased service name in UTF-16LE, read as five little-endian u32.
pub fn service_sid(service: &str) -> String {
    let bytes: Vec<u8> = service
        .to_uppercase()
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let digest = sha1(&bytes);
    let parts: Vec<String> = digest
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_string())
        .collect();
    format!("S-1-5-80-{}", parts.join("-"))
}

/// SHA-1 (FIPS 180-4), for service SIDs only: it identifies, it does not protect.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, v) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(v);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, v) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&v.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha1_gives_the_fips_test_vectors() {
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn service_sids_are_computed_from_the_service_name() {
        assert_eq!(
            well_known_sid("NT SERVICE\\TrustedInstaller").as_deref(),
            Some("S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464")
        );
        assert_eq!(
            well_known_sid("NT SERVICE\\WdiServiceHost").as_deref(),
            Some("S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420")
        );
        // The name is upper-cased first: case does not change the SID.
        assert_eq!(
            service_sid("trustedinstaller"),
            service_sid("TRUSTEDINSTALLER")
        );
        assert_eq!(
            well_known_sid("NT SERVICE\\ALL SERVICES").as_deref(),
            Some("S-1-5-80-0")
        );
    }

    #[test]
    fn english_and_localized_names_give_the_same_sid() {
        for name in [
            "Administrators",
            "BUILTIN\\Administrators",
            "administrators",
            "Administrateurs",
            "BUILTIN\\Administratoren",
            "VORDEFINIERT\\Administratoren",
            "Administradores",
        ] {
            assert_eq!(
                well_known_sid(name).as_deref(),
                Some("S-1-5-32-544"),
                "{name}"
            );
        }
        for (name, sid) in [
            ("Invités", "S-1-5-32-546"),
            ("Gäste", "S-1-5-32-546"),
            ("Invitados", "S-1-5-32-546"),
            ("NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19"),
            ("AUTORITE NT\\SERVICE LOCAL", "S-1-5-19"),
            ("NT-AUTORITÄT\\LOKALER DIENST", "S-1-5-19"),
            ("SERVICIO DE RED", "S-1-5-20"),
            ("SERVICE RÉSEAU", "S-1-5-20"),
            ("NETZWERKDIENST", "S-1-5-20"),
            ("Local account", "S-1-5-113"),
            ("Lokales Konto", "S-1-5-113"),
            (
                "Local account and member of Administrators group",
                "S-1-5-114",
            ),
            (
                "Compte local et membre du groupe Administrateurs",
                "S-1-5-114",
            ),
            (
                "Cuenta local y miembro del grupo Administradores",
                "S-1-5-114",
            ),
            ("Remote Desktop Users", "S-1-5-32-555"),
            ("Utilisateurs du Bureau à distance", "S-1-5-32-555"),
            ("Remotedesktopbenutzer", "S-1-5-32-555"),
            ("Usuarios de escritorio remoto", "S-1-5-32-555"),
            ("Backup Operators", "S-1-5-32-551"),
            ("Sicherungs-Operatoren", "S-1-5-32-551"),
            ("Everyone", "S-1-1-0"),
            ("Jeder", "S-1-1-0"),
            ("Tout le monde", "S-1-1-0"),
            ("Authenticated Users", "S-1-5-11"),
            ("Utilisateurs authentifiés", "S-1-5-11"),
            ("ENTERPRISE DOMAIN CONTROLLERS", "S-1-5-9"),
            ("CONTRÔLEURS DE DOMAINE D’ENTREPRISE", "S-1-5-9"),
            ("Window Manager\\Window Manager Group", "S-1-5-90-0"),
            ("IIS_IUSRS", "S-1-5-32-568"),
            ("NT VIRTUAL MACHINE\\Virtual Machines", "S-1-5-83-0"),
            ("SERVICE", "S-1-5-6"),
            ("Users", "S-1-5-32-545"),
        ] {
            assert_eq!(well_known_sid(name).as_deref(), Some(sid), "{name}");
        }
    }

    #[test]
    fn other_names_are_not_well_known() {
        for name in [
            "CONTOSO\\Administrators",
            "CONTOSO\\Domain Admins",
            "Helpdesk",
            "",
            "NT SERVICE\\",
        ] {
            assert_eq!(well_known_sid(name), None, "{name}");
        }
    }
}
