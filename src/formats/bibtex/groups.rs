//! BibDesk's static groups: the hand-made collections of a BibDesk library,
//! saved at the end of the `.bib` file as an Apple property list inside
//! `@comment{BibDesk Static Groups{ … }}`. Each group is a name and the
//! citation keys in it; litradar reads them as tags, so a library moved
//! over from BibDesk keeps its organisation.

use quick_xml::Reader;
use quick_xml::events::Event;

/// One static group: its name and the citation keys in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's name as BibDesk shows it.
    pub name: String,
    /// Citation keys, in the file's order.
    pub keys: Vec<String>,
}

/// The marker BibDesk writes before the property list.
pub(super) const STATIC_GROUPS: &str = "{BibDesk Static Groups{";

/// Reads the groups of a BibDesk property list (`<array><dict><key>group
/// name</key><string>…</string><key>keys</key><string>a,b</string></dict>`).
/// A list that is not well-formed gives the groups read up to the error, and
/// the error's text.
pub(super) fn static_groups(plist: &str) -> (Vec<Group>, Option<String>) {
    let mut reader = Reader::from_str(plist);
    let mut groups = Vec::new();
    let mut text: Option<String> = None;
    let mut last_key = String::new();
    let (mut name, mut keys) = (None::<String>, Vec::new());
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return (groups, Some(e.to_string())),
        };
        match event {
            Event::Start(start) if matches!(start.name().as_ref(), "key" | "string") => {
                text = Some(String::new());
            }
            Event::Text(t) => {
                if let Some(buffer) = text.as_mut() {
                    let piece = t.xml10_content();
                    buffer.push_str(&piece);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(buffer) = text.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => buffer.push(c),
                        _ => buffer.push_str(match &*r {
                            "lt" => "<",
                            "gt" => ">",
                            "amp" => "&",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Event::End(end) => match end.name().as_ref() {
                "key" => last_key = text.take().unwrap_or_default(),
                "string" => {
                    let value = text.take().unwrap_or_default();
                    match last_key.as_str() {
                        "group name" => name = Some(value.trim().to_string()),
                        "keys" => {
                            keys = value
                                .split(',')
                                .map(str::trim)
                                .filter(|k| !k.is_empty())
                                .map(str::to_string)
                                .collect();
                        }
                        _ => {}
                    }
                }
                "dict" => {
                    if let Some(name) = name.take().filter(|n| !n.is_empty()) {
                        groups.push(Group {
                            name,
                            keys: std::mem::take(&mut keys),
                        });
                    }
                    keys.clear();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (groups, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_keys_and_survives_a_broken_list() {
        let plist = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<array>
	<dict>
		<key>group name</key>
		<string>Lensing &amp; Clusters</string>
		<key>keys</key>
		<string>Jullo:2007, Kneib:1996,,</string>
	</dict>
	<dict>
		<key>keys</key>
		<string>orphan</string>
	</dict>
</array>
</plist>"#;
        let (groups, error) = static_groups(plist);
        assert_eq!(error, None);
        assert_eq!(
            groups,
            [Group {
                name: "Lensing & Clusters".into(),
                keys: vec!["Jullo:2007".into(), "Kneib:1996".into()],
            }],
            "a dict without a name is no group"
        );
        let cut = &plist[..plist.find("<dict>\n\t\t<key>keys").expect("second dict")];
        let (groups, _) = static_groups(&format!("{cut}</plist>"));
        assert_eq!(groups.len(), 1, "the groups before the error are kept");
    }
}
