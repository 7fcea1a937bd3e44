//! The ledger feeding the reading workflow: the third pass ("implement and
//! compare") starts from a note that already lists the paper's
//! implementations and its claims beside the latest runs.

use super::store::ImplError;
use super::{Implementation, join_command, ledger};
use crate::library::Library;
use crate::reading::{Pass, template};

const IMPLEMENTATION_PROMPT: &str =
    "Which implementation (yours, the official one, another), and where it lives.\n";
const RESULTS_PLACEHOLDER: &str = "| metric | paper | mine |\n|---|---|---|\n|  |  |  |\n";

/// A pass note about to be edited: the paper, the pass, the note as it is
/// and the text the editor opens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteDraft {
    /// The paper's id.
    pub paper_id: String,
    /// The pass (the one asked for, else the current one, else the third).
    pub pass: Pass,
    /// The note as saved ("" when none).
    pub current: String,
    /// What the editor starts from: the note, or for an empty one the
    /// pass's template (pass 3's with the implementations and ledger).
    pub seed: String,
    /// The editor's file name, `ID-passN`.
    pub file_name: String,
}

impl Library {
    /// The note to edit for `key`'s pass (the CLI's `read note` and the
    /// app's `e` both start here).
    pub fn note_draft(&self, key: &str, pass: Option<Pass>) -> Result<NoteDraft, ImplError> {
        let record = self.find(key)?;
        let (paper_id, passes) = self.passes(&record.paper.id)?;
        let pass = pass
            .or_else(|| crate::reading::current_pass(&passes))
            .unwrap_or(Pass::Reproduce);
        let current = passes[crate::reading::index(pass)].note.clone();
        let seed = match (current.is_empty(), pass) {
            (true, Pass::Reproduce) => self.reproduce_template(&paper_id)?,
            (true, _) => template(pass, &record.paper.title),
            (false, _) => current.clone(),
        };
        Ok(NoteDraft {
            file_name: format!("{paper_id}-pass{}", pass.number()),
            paper_id,
            pass,
            current,
            seed,
        })
    }

    /// The note pass 3 of a paper starts from: the template, with the
    /// linked implementations and the reproduction ledger filled in.
    pub fn reproduce_template(&self, paper: &str) -> Result<String, ImplError> {
        let record = self.find(paper)?;
        let impls = self.impl_list(Some(&record.paper.id))?;
        let rows: Vec<ledger::Row> = self
            .impl_ledger(Some(&record.paper.id))?
            .into_iter()
            .flat_map(|(_, rows)| rows)
            .collect();
        Ok(fill(
            &template(Pass::Reproduce, &record.paper.title),
            &impls,
            &rows,
        ))
    }
}

/// Puts what the library knows into the pass-3 template.
pub fn fill(template: &str, impls: &[Implementation], rows: &[ledger::Row]) -> String {
    let mut note = template.to_string();
    if !impls.is_empty() {
        let list: String = impls
            .iter()
            .map(|i| {
                let mut line = format!("- #{} {} `{}`", i.id, i.kind, i.location);
                if i.official {
                    line.push_str(" (official)");
                }
                if let Some(f) = &i.framework {
                    line.push_str(&format!(", {f}"));
                }
                if !i.command.is_empty() {
                    line.push_str(&format!(": `{}`", join_command(&i.command)));
                }
                line + "\n"
            })
            .collect();
        note = note.replacen(IMPLEMENTATION_PROMPT, &list, 1);
    }
    if !rows.is_empty() {
        let (yes, partly, not, not_run) = ledger::tally(rows);
        let table = format!(
            "{}\nLedger: {yes} reproduced, {partly} partly, {not} not, {not_run} not run (`litradar impl ledger`).\n",
            ledger::markdown(rows)
        );
        note = note.replacen(RESULTS_PLACEHOLDER, &table, 1);
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impls::store::NewImpl;

    #[test]
    fn the_pass3_note_starts_from_the_links_and_the_ledger() {
        let mut lib = Library::open_in_memory().expect("library");
        crate::starter::load(&mut lib).expect("starter");
        let bare = lib.reproduce_template("1706.03762").expect("bare");
        assert_eq!(bare, template(Pass::Reproduce, "Attention Is All You Need"));
        crate::impls::starter::link_all(&mut lib).expect("link");
        lib.impl_link(
            "1706.03762",
            NewImpl {
                location: "https://github.com/tensorflow/tensor2tensor".into(),
                official: true,
                framework: Some("TensorFlow".into()),
                ..Default::default()
            },
        )
        .expect("official");
        let note = lib.reproduce_template("1706.03762").expect("note");
        assert!(
            note.contains("- #1 starter `papers/1706.03762-transformer`, candle: `cargo run"),
            "{note}"
        );
        assert!(
            note.contains(
                "git `https://github.com/tensorflow/tensor2tensor` (official), TensorFlow"
            ),
            "{note}"
        );
        assert!(
            note.contains("| copy_accuracy (synthetic copy sequences"),
            "{note}"
        );
        assert!(
            note.contains("0 reproduced, 0 partly, 0 not, 4 not run"),
            "{note}"
        );
        assert!(!note.contains(RESULTS_PLACEHOLDER) && !note.contains(IMPLEMENTATION_PROMPT));
    }
}
