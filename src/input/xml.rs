//! A small namespace-aware element tree over quick-xml.
//!
//! GPO reports, ADMX and DDF files are a few MB at most and are read by walking up and down their
//! structure, so a tree is simpler and safer than hand-written streaming state machines. Names are
//! kept as (namespace URI, local name): GPMC numbers its prefixes (`q1`, `q2`, …) per report, so a
//! prefix means nothing.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// One XML element with its resolved namespace, attributes, text and child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI, empty when unbound.
    pub ns: String,
    pub name: String,
    /// Attributes by local name (namespace declarations are left out).
    pub attrs: Vec<Attribute>,
    pub children: Vec<Element>,
    /// Concatenated character data (text and CDATA) directly inside this element, untrimmed.
    pub text: String,
    /// `xsi:type`, resolved against the namespaces in scope where it was written.
    pub xsi_type: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Namespace URI of a prefixed attribute, empty for an unprefixed one.
    pub ns: String,
    pub name: String,
    pub value: String,
}

const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

impl Element {
    /// The first child with this local name, in any namespace.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this local name, in any namespace.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child with this local name.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// An attribute by local name, whatever its prefix. Case-sensitive, as XML is.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// An attribute by local name, ignoring ASCII case (ADMX from third parties varies the case).
    pub fn attr_ignore_case(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_str())
    }

    /// This element and every element below it, depth first in document order.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(e.children.iter().rev());
        }
        out
    }

    /// True when the element is `{ns}name`.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }
}

/// A parse failure with the position where it happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("XML error at byte {position}: {message}")]
pub struct XmlError {
    pub position: u64,
    pub message: String,
}

/// Parses a whole document that was already decoded to text (see [`super::text::decode`]) and
/// returns its root element. The XML declaration's `encoding` is ignored.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let err = |reader: &NsReader<&[u8]>, message: String| XmlError {
        position: reader.buffer_position(),
        message,
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| err(&reader, e.to_string()))?;
        match event {
            Event::Start(start) => {
                let element = open_element(&reader, &start).map_err(|m| err(&reader, m))?;
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = open_element(&reader, &start).map_err(|m| err(&reader, m))?;
                close_element(element, &mut stack, &mut root).map_err(|m| err(&reader, m))?;
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| err(&reader, "closing tag without an opening tag".into()))?;
                close_element(element, &mut stack, &mut root).map_err(|m| err(&reader, m))?;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let raw = t.xml10_content();
                    top.text.push_str(&raw);
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(ch)) => ch.to_string(),
                        Ok(None) => predefined_entity(&r.xml10_content())
                            .ok_or_else(|| {
                                err(&reader, format!("unknown entity &{};", r.xml10_content()))
                            })?
                            .to_string(),
                        Err(e) => return Err(err(&reader, e.to_string())),
                    };
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(err(
            &reader,
            format!(
                "document ends inside <{}>",
                stack.last().map_or("", |e| &e.name)
            ),
        ));
    }
    root.ok_or_else(|| err(&reader, "no root element".into()))
}

fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn close_element(
    element: Element,
    stack: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err("more than one root element".into()),
    }
    Ok(())
}

fn open_element(reader: &NsReader<&[u8]>, start: &BytesStart) -> Result<Element, String> {
    let (ns, local) = reader.resolver().resolve_element(start.name());
    let mut element = Element {
        ns: namespace_text(&ns),
        name: local.as_ref().to_string(),
        ..Element::default()
    };
    for attr in start.attributes().with_checks(false) {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let (attr_ns, attr_local) = reader.resolver().resolve_attribute(attr.key);
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        let attr_ns = namespace_text(&attr_ns);
        let attr_local = attr_local.as_ref().to_string();
        if attr_ns == XSI_NS && attr_local == "type" {
            element.xsi_type = Some(resolve_qname_value(reader, &value));
        }
        element.attrs.push(Attribute {
            ns: attr_ns,
            name: attr_local,
            value,
        });
    }
    Ok(element)
}

fn resolve_qname_value(reader: &NsReader<&[u8]>, value: &str) -> (String, String) {
    let qname = quick_xml::name::QName(value);
    let (ns, local) = reader.resolver().resolve_element(qname);
    (namespace_text(&ns), local.as_ref().to_string())
}

fn namespace_text(result: &ResolveResult) -> String {
    match result {
        ResolveResult::Bound(ns) => ns.as_ref().to_string(),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_numbered_prefixes_and_xsi_type() {
        let doc = r#"<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <Computer><ExtensionData>
              <Extension xmlns:q7="http://www.microsoft.com/GroupPolicy/Settings/Registry" xsi:type="q7:RegistrySettings">
                <q7:Policy><q7:Name>A &amp; B &#x41;</q7:Name></q7:Policy>
              </Extension>
            </ExtensionData></Computer></GPO>"#;
        let root = parse(doc).unwrap();
        assert!(root.is("http://www.microsoft.com/GroupPolicy/Settings", "GPO"));
        let ext = &root.children[0].children[0].children[0];
        assert_eq!(
            ext.xsi_type,
            Some((
                "http://www.microsoft.com/GroupPolicy/Settings/Registry".to_string(),
                "RegistrySettings".to_string()
            ))
        );
        let policy = ext.child("Policy").unwrap();
        assert_eq!(
            policy.ns,
            "http://www.microsoft.com/GroupPolicy/Settings/Registry"
        );
        assert_eq!(policy.child_text("Name"), Some("A & B A"));
    }

    #[test]
    fn cdata_is_text() {
        let root = parse("<BackupInst><ID><![CDATA[{7A1C}]]></ID></BackupInst>").unwrap();
        assert_eq!(root.child_text("ID"), Some("{7A1C}"));
    }

    #[test]
    fn truncated_document_is_an_error() {
        assert!(parse("<a><b>").is_err());
        assert!(parse("").is_err());
        assert!(parse("<a></b>").is_err());
    }
}
