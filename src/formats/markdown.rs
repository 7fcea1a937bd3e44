//! A Markdown reading list of papers: one section per paper with its
//! metadata, tags and abstract, ready for a notes app.

use crate::record::PaperRecord;

/// Renders records as one Markdown document.
pub fn reading_list(records: &[PaperRecord]) -> String {
    let mut out = format!(
        "# litradar export\n\n{} paper{}\n",
        records.len(),
        if records.len() == 1 { "" } else { "s" }
    );
    for r in records {
        let p = &r.paper;
        out.push('\n');
        match &p.abs_url {
            Some(url) => out.push_str(&format!("## [{}]({url})\n\n", escape(&p.title))),
            None => out.push_str(&format!("## {}\n\n", escape(&p.title))),
        }
        let authors: Vec<&str> = p.authors.iter().map(|a| a.name.as_str()).collect();
        if !authors.is_empty() {
            out.push_str(&format!("- **Authors:** {}\n", escape(&authors.join(", "))));
        }
        let id = if p.is_arxiv() {
            format!("arXiv:{}", p.versioned_id())
        } else {
            p.id.clone()
        };
        out.push_str(&format!("- **Id:** `{id}` · cite as `{}`\n", r.citekey));
        if let Some(date) = p.published.or(p.updated) {
            out.push_str(&format!("- **Published:** {}\n", date.format("%Y-%m-%d")));
        }
        if !p.categories.is_empty() {
            out.push_str(&format!("- **Categories:** {}\n", p.categories.join(", ")));
        }
        if let Some(j) = &p.journal_ref {
            out.push_str(&format!("- **Journal:** {}\n", escape(j)));
        }
        if let Some(doi) = &p.doi {
            out.push_str(&format!("- **DOI:** [{doi}](https://doi.org/{doi})\n"));
        }
        if let Some(c) = &p.comment {
            out.push_str(&format!("- **Comment:** {}\n", escape(c)));
        }
        if !r.tags.is_empty() {
            let tags: Vec<String> = r
                .tags
                .iter()
                .map(|t| format!("#{}", t.replace(' ', "-")))
                .collect();
            out.push_str(&format!("- **Tags:** {}\n", tags.join(" ")));
        }
        if !p.abstract_text.is_empty() {
            out.push_str(&format!("\n> {}\n", p.abstract_text));
        }
    }
    out
}

/// Escapes the characters that would turn plain text into Markdown markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::{Author, Paper, parse_timestamp};

    #[test]
    fn renders_one_section_per_paper() {
        let record = PaperRecord {
            paper: Paper {
                id: "2106.09685".into(),
                version: Some(2),
                title: "LoRA: Low-Rank [Adaptation]".into(),
                abstract_text: "We propose LoRA.".into(),
                authors: vec![Author::named("Edward J. Hu")],
                categories: vec!["cs.CL".into()],
                primary_category: Some("cs.CL".into()),
                published: parse_timestamp("2021-06-17T17:37:18Z"),
                abs_url: Some("https://arxiv.org/abs/2106.09685v2".into()),
                ..Paper::default()
            },
            source: "arxiv".into(),
            citekey: "hu2021lora".into(),
            tags: vec!["to read".into()],
            seen_version: Some(2),
            version_changed_at: None,
            added_at: None,
            bib: None,
        };
        let md = reading_list(&[record]);
        assert!(
            md.contains("## [LoRA: Low-Rank \\[Adaptation\\]](https://arxiv.org/abs/2106.09685v2)")
        );
        assert!(md.contains("- **Id:** `arXiv:2106.09685v2` · cite as `hu2021lora`"));
        assert!(md.contains("- **Published:** 2021-06-17"));
        assert!(md.contains("- **Tags:** #to-read"));
        assert!(md.contains("> We propose LoRA."));
    }
}
