//! Stable identities for GPOs whose export names no GUID: the policies of a Policy Analyzer
//! `.PolicyRules` file and loose LGPO text files.
//!
//! Every report keys a GPO by its GUID (the JSON's `groupPolicyObjectId`, `gpa diff`, the file
//! names `gpa convert` falls back to). These forms carry none, so one is derived: the RFC 4122
//! name-based UUID (version 5, SHA-1) of the form, the file's name and the policy's name. The same
//! file and policy give the same GUID on every machine and run, wherever the file sits (the
//! folder is left out, so moving or re-downloading a baseline keeps it); a renamed file or policy
//! is another GPO. A version-5 GUID can never be a real GPO GUID (Active Directory makes version-4
//! ones), and the GPO's notes say it is derived.

use uuid::Uuid;

/// gpa's namespace for derived GPO GUIDs (a fixed random UUID, so that no other name-based UUID
/// scheme yields the same values).
const NAMESPACE: Uuid = Uuid::from_u128(0x6b7d_1c2e_4f3a_4e5b_9c8d_2a1f_0e3b_7c6d);

/// The export form a derived GUID is for; part of the name hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedFrom {
    /// A `PolicyName` of a Policy Analyzer `.PolicyRules` file.
    PolicyRules,
    /// A loose LGPO text file (one GPO per file).
    LgpoText,
}

impl DerivedFrom {
    fn tag(self) -> &'static str {
        match self {
            DerivedFrom::PolicyRules => "PolicyRules",
            DerivedFrom::LgpoText => "LGPO text",
        }
    }
}

/// `{XXXXXXXX-…}`, upper case in braces as GPO GUIDs are written, derived from the form, the file
/// name (ASCII case folded: Windows file names ignore case) and the policy name (as written).
pub fn derived_guid(from: DerivedFrom, file_name: &str, policy_name: &str) -> String {
    let name = format!(
        "{}\n{}\n{}",
        from.tag(),
        file_name.to_ascii_lowercase(),
        policy_name
    );
    let uuid = Uuid::new_v5(&NAMESPACE, name.as_bytes());
    format!("{{{}}}", uuid.hyphenated().to_string().to_ascii_uppercase())
}

/// The note every GPO with a derived GUID carries.
pub fn note(from: DerivedFrom) -> String {
    format!(
        "{} names no GPO GUID: the GUID shown is derived from the file name and the policy name \
         (a name-based UUID, version 5), the same on every run",
        from.tag()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_names_same_guid_and_the_folder_does_not_count() {
        let a = derived_guid(
            DerivedFrom::PolicyRules,
            "MSFT-Win11-v24H2.PolicyRules",
            "MSFT Windows 11 24H2 - Computer",
        );
        let b = derived_guid(
            DerivedFrom::PolicyRules,
            "msft-win11-v24h2.policyrules",
            "MSFT Windows 11 24H2 - Computer",
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 38);
        // Version 5 in the third group.
        assert_eq!(a.as_bytes()[15], b'5');
        let other = derived_guid(
            DerivedFrom::PolicyRules,
            "MSFT-Win11-v24H2.PolicyRules",
            "MSFT Windows 11 24H2 - User",
        );
        assert_ne!(a, other);
        let lgpo = derived_guid(
            DerivedFrom::LgpoText,
            "MSFT-Win11-v24H2.PolicyRules",
            "MSFT Windows 11 24H2 - Computer",
        );
        assert_ne!(a, lgpo);
    }
}
