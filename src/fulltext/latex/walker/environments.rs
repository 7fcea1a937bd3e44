//! `\begin` and `\end`: floats with their captions, lists, theorems and
//! the environments skipped whole.

use super::*;

impl Walker {
    pub(super) fn begin(&mut self) {
        let name = self.engine.arg_text();
        let base = name.trim_end_matches('*');
        match base {
            "document" => {
                self.in_document = true;
                self.suppress = self.suppress.saturating_sub(1);
                self.envs.push(Env::Document);
            }
            "abstract" | "onecolabstract" => {
                self.flush();
                self.envs.push(Env::Abstract);
            }
            "figure" | "wrapfigure" | "sidewaysfigure" | "SCfigure" | "floatingfigure"
            | "figwindow" | "wrapfloat" => self.float(Some(CaptionKind::Figure)),
            "table" | "wraptable" | "sidewaystable" | "SCtable" | "longtable" | "supertabular"
            | "xtabular" => self.float(Some(CaptionKind::Table)),
            "algorithm" | "algorithm2e" | "listing" | "lstlisting_float" => self.float(None),
            "subfigure" | "subtable" | "subfloat" => self.envs.push(Env::SubFloat),
            "minipage" | "multicols" | "adjustbox" | "spacing" | "list" | "tcolorbox"
            | "mdframed" | "framed" | "boxedminipage" | "changemargin" => {
                // Their arguments are widths and options, not text.
                self.engine.optional_raw();
                let args = match base {
                    "list" | "changemargin" => 2,
                    "tcolorbox" | "mdframed" | "framed" => 0,
                    _ => 1,
                };
                for _ in 0..args {
                    self.engine.arg_raw();
                }
                self.envs.push(Env::Other);
            }
            "equation" | "align" | "alignat" | "flalign" | "eqnarray" | "gather" | "multline"
            | "displaymath" | "dmath" | "dgroup" | "IEEEeqnarray" | "darray" | "mathpar"
            | "empheq" => self.display_math(&name, false),
            "math" => self.inline_math(&["end"]),
            "itemize" | "compactitem" | "inparaitem" | "todolist" => self.list(ListKind::Bullets),
            "enumerate" | "compactenum" | "inparaenum" | "steps" => self.list(ListKind::Numbers),
            "description" | "compactdesc" | "labeling" => self.list(ListKind::Terms),
            "thebibliography" => {
                self.flush();
                self.engine.arg_raw();
                self.close_section();
                self.envs.push(Env::Bibliography);
            }
            "proof" | "theorem" | "lemma" | "proposition" | "corollary" | "definition"
            | "remark" | "example" | "claim" | "conjecture" | "assumption" | "observation"
            | "fact" | "hypothesis" | "problem" | "question" | "note" => self.theorem(&name),
            "acks" | "acknowledgments" | "acknowledgements" | "acknowledgment"
            | "acknowledgement" => {
                if !self.inline() {
                    self.back_section("Acknowledgments");
                }
                self.envs.push(Env::Back);
            }
            "appendices" | "subappendices" => {
                self.appendix = true;
                self.envs.push(Env::Appendices);
            }
            "verbatim" | "Verbatim" | "lstlisting" | "minted" | "comment" | "tikzpicture"
            | "pgfpicture" | "picture" | "filecontents" | "tabular" | "tabularx" | "tabulary"
            | "tabu" | "algorithmic" | "algorithmicx" | "forest" | "axis" | "pspicture"
            | "CCSXML" | "spverbatim" | "alltt" | "python" | "pycode" | "asy" => {
                self.skip_env(&name)
            }
            other if self.engine.theorems.contains_key(other) => self.theorem(&name),
            _ => self.envs.push(Env::Other),
        }
    }

    pub(super) fn end(&mut self) {
        let name = self.engine.arg_text();
        let base = name.trim_end_matches('*');
        if base == "document" {
            self.flush();
            self.done = true;
            return;
        }
        if base == "titlepage" {
            self.flush();
            self.end_collected_abstract();
        }
        // The last paragraph belongs to the environment it is in: flush it
        // while that environment is still open.
        if matches!(
            self.envs.last(),
            Some(Env::Abstract | Env::List { .. } | Env::Theorem | Env::Bibliography | Env::Back)
        ) {
            self.flush();
        }
        let Some(top) = self.envs.pop() else {
            return;
        };
        match top {
            // What the abstract environment collected is the abstract.
            Env::Abstract if !self.abstract_paragraphs.is_empty() => {
                self.doc.abstract_text = Some(self.abstract_paragraphs.join("\n\n"));
                self.abstract_paragraphs.clear();
                self.front.clear();
            }
            Env::Float(_) => {
                self.suppress = self.suppress.saturating_sub(1);
                self.para.clear();
            }
            Env::List { .. } | Env::Theorem => self.flush(),
            Env::Bibliography => {
                self.flush();
                self.close_bib_entry();
            }
            Env::Back => self.flush(),
            _ => {}
        }
    }

    pub(super) fn float(&mut self, kind: Option<CaptionKind>) {
        // Placement ([t], [htbp]) and wrapfigure's arguments print nothing.
        self.engine.optional_raw();
        self.envs.push(Env::Float(kind));
        self.suppress += 1;
    }

    pub(super) fn list(&mut self, kind: ListKind) {
        self.flush();
        self.engine.optional_raw();
        self.envs.push(Env::List { kind, count: 0 });
    }

    pub(super) fn item(&mut self) {
        let label = self.engine.optional_raw();
        if self.inline() {
            self.emit(" ");
            return;
        }
        self.flush();
        let mut number = None;
        let mut kind = None;
        if let Some(Env::List { kind: k, count }) = self
            .envs
            .iter_mut()
            .rev()
            .find(|e| matches!(e, Env::List { .. }))
        {
            *count += 1;
            number = Some(*count);
            kind = Some(*k);
        }
        let prefix = match (label, kind) {
            (Some(l), k) => {
                let text = self.render(l);
                if k == Some(ListKind::Terms) && !text.is_empty() && !text.ends_with([':', '.']) {
                    format!("{text}:")
                } else {
                    text
                }
            }
            (None, Some(ListKind::Numbers)) => format!("{}.", number.unwrap_or(1)),
            (None, Some(ListKind::Terms)) => String::new(),
            _ => "•".to_string(),
        };
        if !prefix.is_empty() {
            self.para.push_str(&prefix);
            self.para.push(' ');
        }
    }

    pub(super) fn theorem(&mut self, env: &str) {
        self.flush();
        let base = env.trim_end_matches('*');
        let title = self.engine.theorems.get(base).cloned().unwrap_or_else(|| {
            let mut c = base.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        });
        let note = self.engine.optional_raw().map(|t| self.render(t));
        self.lead = Some(match note {
            Some(n) if !n.is_empty() => format!("{title} ({n})."),
            _ => format!("{title}."),
        });
        self.envs.push(Env::Theorem);
    }

    /// Reads past an environment whose content is not prose.
    pub(super) fn skip_env(&mut self, name: &str) {
        let mut depth = 0usize;
        while let Some(t) = self.engine.next_raw() {
            match t.name() {
                Some("begin") if self.engine.arg_text() == name => depth += 1,
                Some("end") if self.engine.arg_text() == name => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
    }

    // ----- captions -----

    pub(super) fn caption(&mut self, command: &str) {
        let star = self.engine.star();
        let kind = if command == "captionof" {
            let k = self.engine.arg_text();
            Some(if k.starts_with("tab") {
                CaptionKind::Table
            } else {
                CaptionKind::Figure
            })
        } else {
            self.envs
                .iter()
                .rev()
                .find_map(|e| match e {
                    Env::Float(k) => Some(*k),
                    _ => None,
                })
                .flatten()
        };
        self.engine.optional_raw();
        let arg = self.engine.arg_raw();
        // A panel's own caption (inside subfigure) is not one of the
        // paper's; neither is a caption outside any float, nor an algorithm's.
        let in_panel = self
            .envs
            .iter()
            .rev()
            .take_while(|e| !matches!(e, Env::Float(_)))
            .any(|e| *e == Env::SubFloat);
        let Some(kind) = kind else {
            return;
        };
        if in_panel && command == "caption" {
            return;
        }
        let text = self.render(arg);
        let number = if star {
            None
        } else {
            let n = match kind {
                CaptionKind::Figure => {
                    self.figures += 1;
                    self.figures
                }
                CaptionKind::Table => {
                    self.tables += 1;
                    self.tables
                }
            };
            Some(n.to_string())
        };
        if let Some(n) = &number {
            let label_kind = match kind {
                CaptionKind::Figure => LabelKind::Figure,
                CaptionKind::Table => LabelKind::Table,
            };
            self.last_numbered = Some((label_kind, n.clone()));
        }
        if text.is_empty() {
            return;
        }
        let section = self.section_index();
        self.doc.captions.push(Caption {
            kind,
            number,
            text,
            section,
        });
    }

    // ----- math -----
}
