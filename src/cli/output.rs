//! Terminal output: colour only on a terminal and without NO_COLOR, rows
//! fitted to the terminal width, and an indicatif progress bar that hides
//! itself when stderr is not a terminal.

use crate::ingest::Progress;
use crate::library::PaperRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// ANSI styling, decided once per stream.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Styling for stdout.
    pub fn stdout() -> Style {
        Style {
            color: color_allowed() && std::io::stdout().is_terminal(),
        }
    }

    /// Styling for stderr.
    pub fn stderr() -> Style {
        Style {
            color: color_allowed() && std::io::stderr().is_terminal(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dimmed.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Cyan, for ids.
    pub fn id(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// Yellow, for marks that want attention.
    pub fn mark(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Red, for the error prefix.
    pub fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// NO_COLOR (any non-empty value) and TERM=dumb turn colour off.
fn color_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !no_color && !dumb
}

/// Columns available on stdout; `None` when it is not a terminal (no cutting).
pub fn width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
    {
        return Some(cols.max(40));
    }
    let (_, cols) = console::Term::stdout().size();
    Some((cols as usize).max(40))
}

/// Cuts `text` to `max` terminal columns, ending with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    crate::width::cut(text, max)
}

/// "Vaswani et al." / "Hu" / "".
pub fn first_author(record: &PaperRecord) -> String {
    let authors = &record.paper.authors;
    let Some(first) = authors.first() else {
        return String::new();
    };
    let last = first.name.split_whitespace().last().unwrap_or(&first.name);
    match authors.len() {
        1 => last.to_string(),
        2 => format!(
            "{last} & {}",
            authors[1].name.split_whitespace().last().unwrap_or("")
        ),
        _ => format!("{last} et al."),
    }
}

/// One line per paper: id, date, first author, title, tags.
pub fn paper_rows(records: &[PaperRecord], style: Style, width: Option<usize>) -> String {
    let id_width = records
        .iter()
        .map(|r| r.paper.versioned_id().chars().count())
        .max()
        .unwrap_or(10);
    let mut out = String::new();
    for r in records {
        let p = &r.paper;
        let mark = if r.has_unseen_version() { "*" } else { " " };
        let date = p.published.or(p.updated).map_or_else(
            || "    -     ".to_string(),
            |d| d.format("%Y-%m-%d").to_string(),
        );
        let author = crate::width::pad(&first_author(r), 18);
        let tags = if r.tags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", r.tags.join(", "))
        };
        let fixed = id_width + 1 + 1 + 10 + 2 + 18 + 2;
        let title = match width {
            Some(w) => cut(
                &p.title,
                w.saturating_sub(fixed + crate::width::columns(&tags))
                    .max(20),
            ),
            None => p.title.clone(),
        };
        out.push_str(&format!(
            "{}{} {}  {}  {}{}\n",
            style.id(&format!("{:<id_width$}", p.versioned_id())),
            style.mark(mark),
            style.dim(&date),
            author,
            title,
            style.dim(&tags)
        ));
    }
    out
}

/// Wraps text to `width` columns (words are never split).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

/// An indicatif bar on stderr implementing [`Progress`].
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar for `what` ("fetching"), hidden when stderr is not a terminal.
    pub fn new(what: &str) -> Bar {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        let style = ProgressStyle::with_template(
            "{spinner} {prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar { bar }
    }

    /// Removes the bar from the screen.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn total(&self, total: u64) {
        self.bar.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
    fn message(&self, text: &str) {
        self.bar.set_message(text.to_string());
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_and_wrapping() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(wrap("one two three four", 9), "one two\nthree\nfour");
    }
}
