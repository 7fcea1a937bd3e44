//! Citations, the bibliography (`thebibliography` or the `.bbl`) and the
//! references resolved once the whole paper has been read.

use super::*;

impl Walker {
    pub(super) fn cite(&mut self, command: &str) {
        self.engine.star();
        let first = self.engine.optional_raw();
        let second = self.engine.optional_raw();
        let keys = self.engine.arg_text();
        if command == "nocite" {
            return;
        }
        let style = match command.to_lowercase().as_str() {
            "citet" | "citet*" | "textcite" | "citealt" => 't',
            "citeauthor" => 'a',
            "citeyear" | "citeyearpar" => 'y',
            "citealp" => 'n',
            _ => 'p',
        };
        let note = second
            .or(first)
            .map(|t| self.render(t))
            .filter(|n| !n.is_empty());
        let note = note.map(|n| format!(", {n}")).unwrap_or_default();
        self.emit(&format!("{CITE_OPEN}{style}{keys}{CITE_CLOSE}{note}"));
    }

    pub(super) fn bibitem(&mut self) {
        if !self.envs.contains(&Env::Bibliography) {
            self.engine.optional_raw();
            self.engine.arg_raw();
            return;
        }
        self.flush();
        self.close_bib_entry();
        let label = self.engine.optional_raw().map(|t| self.render(t));
        let key = self.engine.arg_text();
        self.bib.push(BibEntry {
            key: key.clone(),
            label,
            text: String::new(),
        });
        self.bib_open = Some(key);
    }

    pub(super) fn para_to_bib(&mut self, text: &str) {
        if let Some(entry) = self.bib.last_mut() {
            if !entry.text.is_empty() {
                entry.text.push(' ');
            }
            entry.text.push_str(text);
        }
    }

    pub(super) fn close_bib_entry(&mut self) {
        self.flush_bib();
        self.bib_open = None;
    }

    pub(super) fn flush_bib(&mut self) {
        if self.bib_open.is_none() {
            return;
        }
        let text = fold(&std::mem::take(&mut self.para));
        if !text.is_empty() {
            self.para_to_bib(&text);
        }
    }

    /// Replaces the `\ref` and `\cite` placeholders now that every label and
    /// bibliography entry is known.
    pub(super) fn resolve_references(&mut self) {
        let mut cites: HashMap<String, String> = HashMap::new();
        let mut years: HashMap<String, (String, String)> = HashMap::new();
        for (n, entry) in self.bib.iter().enumerate() {
            match entry.label.as_deref().and_then(natbib_label) {
                Some((author, year)) => {
                    years.insert(entry.key.clone(), (author, year));
                }
                None => {
                    cites.insert(entry.key.clone(), (n + 1).to_string());
                }
            }
        }
        self.doc.references = self
            .bib
            .iter()
            .map(|b| fold(&b.text))
            .filter(|t| !t.is_empty())
            .collect();
        let labels = std::mem::take(&mut self.labels);
        let fix = |text: &str| resolve(text, &labels, &cites, &years);
        for s in &mut self.doc.sections {
            for p in &mut s.paragraphs {
                *p = fix(p);
            }
            s.heading = fix(&s.heading);
        }
        for c in &mut self.doc.captions {
            c.text = fix(&c.text);
        }
        if let Some(a) = self.doc.abstract_text.take() {
            self.doc.abstract_text = Some(fix(&a));
        }
        if let Some(t) = self.doc.title.take() {
            self.doc.title = Some(fix(&t));
        }
        for r in &mut self.doc.references {
            *r = fix(r);
        }
    }
}

/// natbib's label `Thorne et~al.(2018)Thorne, Vlachos…` → ("Thorne et al.", "2018").
fn natbib_label(label: &str) -> Option<(String, String)> {
    let open = label.find('(')?;
    let close = open + label[open..].find(')')?;
    let author = fold(&label[..open]);
    let year = label[open + 1..close].trim().to_string();
    (!author.is_empty() && !year.is_empty()).then_some((author, year))
}

fn resolve(
    text: &str,
    labels: &HashMap<String, (LabelKind, String)>,
    numbers: &HashMap<String, String>,
    years: &HashMap<String, (String, String)>,
) -> String {
    if !text.contains([REF_OPEN, CITE_OPEN]) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find([REF_OPEN, CITE_OPEN]) {
        out.push_str(&rest[..start]);
        let open = rest[start..].chars().next().unwrap_or(REF_OPEN);
        let close = if open == REF_OPEN {
            REF_CLOSE
        } else {
            CITE_CLOSE
        };
        let body_start = start + open.len_utf8();
        let Some(len) = rest[body_start..].find(close) else {
            out.push_str(&rest[body_start..]);
            return out;
        };
        let body = &rest[body_start..body_start + len];
        let mut chars = body.chars();
        let style = chars.next().unwrap_or('r');
        let key = chars.as_str();
        if open == REF_OPEN {
            let shown = key
                .split(',')
                .map(|k| match labels.get(k.trim()) {
                    Some((kind, n)) => match style {
                        'e' => format!("({n})"),
                        'a' => format!("{} {n}", kind.word()),
                        _ => n.clone(),
                    },
                    None => "??".to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&shown);
        } else {
            out.push_str(&citation(style, key, numbers, years));
        }
        rest = &rest[body_start + len + close.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn citation(
    style: char,
    keys: &str,
    numbers: &HashMap<String, String>,
    years: &HashMap<String, (String, String)>,
) -> String {
    let keys: Vec<&str> = keys
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return String::new();
    }
    if keys.iter().all(|k| years.contains_key(*k)) {
        let parts: Vec<String> = keys
            .iter()
            .filter_map(|k| years.get(*k))
            .map(|(a, y)| match style {
                't' => format!("{a} ({y})"),
                'a' => a.clone(),
                'y' => y.clone(),
                _ => format!("{a}, {y}"),
            })
            .collect();
        return match style {
            't' | 'a' | 'y' | 'n' => parts.join("; "),
            _ => format!("({})", parts.join("; ")),
        };
    }
    let shown: Vec<String> = keys
        .iter()
        .map(|k| numbers.get(*k).cloned().unwrap_or_else(|| k.to_string()))
        .collect();
    format!("[{}]", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natbib_labels() {
        assert_eq!(
            natbib_label("Thorne et al.(2018)Thorne, Vlachos"),
            Some(("Thorne et al.".into(), "2018".into()))
        );
        assert_eq!(natbib_label("1"), None);
    }
}
