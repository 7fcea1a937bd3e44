//! A paper's LaTeX source into a [`Document`]. The e-print's files are
//! in memory ([`crate::fulltext::archive`]); this finds the main file
//! (`\documentclass` and `\begin{document}`, decoys and macOS `._*` files
//! aside), follows `\input`/`\include` (with or without `.tex`, relative
//! folders, commented-out lines ignored, cycles refused), pulls in the
//! `.bbl` and the paper's own `.sty` macros, and hands the whole to the
//! macro engine and the walker.

mod engine;
mod symbols;
mod tokens;
mod walker;

use crate::fulltext::archive::SourceFile;
use crate::fulltext::document::Document;
use std::collections::HashMap;

/// The flattened source may not exceed this (after inputs are followed).
const MAX_FLAT_BYTES: usize = 32 << 20;
/// `\input` nesting deeper than this is refused.
const MAX_DEPTH: usize = 24;
/// The paper's own style files are read for macros when at most this big.
const MAX_STY_BYTES: usize = 256 << 10;

/// Why a source gave no document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LatexError {
    /// No file is a LaTeX document.
    #[error("no main .tex file (none has \\documentclass and \\begin{{document}})")]
    NoMainFile,
    /// The source reads as nothing.
    #[error("the LaTeX source has no text")]
    Empty,
    /// Inputs unfold into too much text.
    #[error("the LaTeX source unfolds to more than {} MiB", MAX_FLAT_BYTES >> 20)]
    TooBig,
}

/// A document and what was noticed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The document.
    pub document: Document,
    /// The main file's path in the archive.
    pub main: String,
    /// Inputs not found, cycles refused, expansion stopped.
    pub warnings: Vec<String>,
}

/// Text files of the source, decoded (UTF-8, else Latin-1), by path.
struct Tree {
    files: HashMap<String, String>,
}

/// Bytes as text: UTF-8 when they are, else Latin-1 (every byte a char).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// macOS resource forks and folders that hold no source.
fn ignored(path: &str) -> bool {
    path.split('/')
        .any(|part| part.starts_with("._") || part == "__MACOSX" || part == ".DS_Store")
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

impl Tree {
    fn new(files: &[SourceFile]) -> Tree {
        let files = files
            .iter()
            .filter(|f| !ignored(&f.path))
            .map(|f| (normalize(&f.path), decode(&f.bytes)))
            .collect();
        Tree { files }
    }

    /// `name` as LaTeX would find it from `base` (the main file's folder)
    /// or `here` (the including file's): as given, then with `extension`.
    fn resolve(&self, name: &str, base: &str, here: &str, extension: &str) -> Option<String> {
        let name = name.trim().trim_matches('"');
        if name.is_empty() {
            return None;
        }
        for dir in [base, here] {
            let joined = if dir.is_empty() {
                normalize(name)
            } else {
                normalize(&format!("{dir}/{name}"))
            };
            for candidate in [joined.clone(), format!("{joined}{extension}")] {
                if self.files.contains_key(&candidate) {
                    return Some(candidate);
                }
            }
        }
        None
    }
}

/// Strips `%` comments (not `\%`), joining a line to the next as TeX does.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let mut cut = None;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'%' => {
                    cut = Some(i);
                    break;
                }
                _ => i += 1,
            }
        }
        match cut {
            Some(at) => out.push_str(&line[..at]),
            None => out.push_str(line),
        }
    }
    out
}

/// The commands that pull another file in, with the number of brace
/// arguments before the file name (`\import{dir}{file}` has a folder first).
const INPUTS: &[(&str, usize)] = &[
    ("input", 0),
    ("include", 0),
    ("subfile", 0),
    ("InputIfFileExists", 0),
    ("import", 1),
    ("subimport", 1),
    ("inputfrom", 1),
    ("subinputfrom", 1),
    ("includefrom", 1),
    ("subincludefrom", 1),
];

struct Flattener<'a> {
    tree: &'a Tree,
    base: String,
    main_stem: String,
    warnings: Vec<String>,
    size: usize,
    bibliography_done: bool,
}

impl Flattener<'_> {
    /// The file with its inputs replaced by their (flattened) text.
    fn flatten(&mut self, path: &str, stack: &mut Vec<String>) -> Result<String, LatexError> {
        let Some(text) = self.tree.files.get(path) else {
            return Ok(String::new());
        };
        let text = strip_comments(text);
        let here = dir_of(path).to_string();
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        stack.push(path.to_string());
        while let Some(at) = rest.find('\\') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let name_len = after
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(after.len());
            let name = &after[..name_len];
            let args_from = &after[name_len..];
            if let Some(&(_, folders)) = INPUTS.iter().find(|(n, _)| *n == name) {
                if let Some((dir, file, used)) = input_args(args_from, folders, name == "input") {
                    // \input looks in the main file's folder (LaTeX's working
                    // folder), then beside the including file; \import in
                    // the folder it names.
                    let first = if folders > 0 {
                        normalize(&format!("{here}/{dir}"))
                    } else {
                        self.base.clone()
                    };
                    self.include(&file, &first, &here, stack, &mut out)?;
                    rest = &args_from[used..];
                    continue;
                }
            }
            if name == "bibliography" && !self.bibliography_done {
                if let Some((_, file, used)) = input_args(args_from, 0, false) {
                    let bbl = self
                        .tree
                        .resolve(&format!("{}.bbl", self.main_stem), &self.base, &here, "")
                        .or_else(|| {
                            file.split(',').find_map(|f| {
                                self.tree.resolve(f.trim(), &self.base, &here, ".bbl")
                            })
                        });
                    if let Some(text) = bbl.and_then(|b| self.tree.files.get(&b)) {
                        self.bibliography_done = true;
                        out.push_str(&strip_comments(text));
                        rest = &args_from[used..];
                        continue;
                    }
                }
            }
            if name == "usepackage" || name == "RequirePackage" {
                // The paper's own packages carry its macros.
                if let Some((_, names, _)) = input_args(strip_options(args_from), 0, false) {
                    for package in names.split(',') {
                        if let Some(sty) =
                            self.tree.resolve(package.trim(), &self.base, &here, ".sty")
                        {
                            let small = self
                                .tree
                                .files
                                .get(&sty)
                                .is_some_and(|t| t.len() <= MAX_STY_BYTES);
                            if sty.ends_with(".sty") && small && !stack.contains(&sty) {
                                let inner = self.flatten(&sty, stack)?;
                                out.push_str(&format!(
                                    "\\{} {inner}\n\\{} ",
                                    engine::STYLE_BEGIN,
                                    engine::STYLE_END
                                ));
                            }
                        }
                    }
                }
            }
            out.push('\\');
            rest = after;
            // Keep a control symbol (\\, \%) whole.
            if name_len == 0 {
                if let Some(c) = rest.chars().next() {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out.push_str(rest);
        stack.pop();
        Ok(out)
    }

    fn include(
        &mut self,
        file: &str,
        first: &str,
        here: &str,
        stack: &mut Vec<String>,
        out: &mut String,
    ) -> Result<(), LatexError> {
        let resolved = self.tree.resolve(file, first, here, ".tex");
        let Some(target) = resolved else {
            self.warnings
                .push(format!("\\input{{{file}}} is not in the source; skipped"));
            return Ok(());
        };
        if stack.contains(&target) {
            self.warnings
                .push(format!("\\input{{{file}}} would include itself; refused"));
            return Ok(());
        }
        if stack.len() >= MAX_DEPTH {
            self.warnings
                .push(format!("\\input{{{file}}} is nested too deep; skipped"));
            return Ok(());
        }
        let text = self.flatten(&target, stack)?;
        self.size += text.len();
        if self.size > MAX_FLAT_BYTES {
            return Err(LatexError::TooBig);
        }
        out.push_str(&text);
        out.push('\n');
        Ok(())
    }
}

/// Skips `[options]` after `\usepackage`.
fn strip_options(text: &str) -> &str {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            return &rest[end + 1..];
        }
    }
    t
}

/// The arguments of an input command: `folders` brace groups, then the
/// file as `{name}` or, for `\input`, a bare word. Returns (folder, file,
/// bytes used).
fn input_args(text: &str, folders: usize, bare_allowed: bool) -> Option<(String, String, usize)> {
    let mut used = 0;
    let mut groups = Vec::new();
    for _ in 0..=folders {
        let rest = &text[used..];
        let trimmed = rest.trim_start();
        used += rest.len() - trimmed.len();
        if let Some(inner) = trimmed.strip_prefix('{') {
            let end = inner.find('}')?;
            groups.push(inner[..end].trim().to_string());
            used += end + 2;
        } else if bare_allowed && folders == 0 {
            // \input file: a word up to space or brace.
            let end = trimmed
                .find(|c: char| c.is_whitespace() || c == '{' || c == '}' || c == '\\')
                .unwrap_or(trimmed.len());
            if end == 0 {
                return None;
            }
            groups.push(trimmed[..end].to_string());
            used += end;
        } else {
            return None;
        }
    }
    let file = groups.pop()?;
    let dir = groups.pop().unwrap_or_default();
    Some((dir, file, used))
}

fn is_document(text: &str) -> bool {
    let stripped = strip_comments(text);
    (stripped.contains("\\documentclass") || stripped.contains("\\documentstyle"))
        && stripped.contains("\\begin{document}")
}

/// The main file: named in arXiv's `00README` when there is one; else the
/// files with `\documentclass` and `\begin{document}`, preferring one no
/// other includes and not named like a decoy (`_old…`, `backup`), then
/// the one whose inputs unfold to the most text.
fn main_file(tree: &Tree) -> Result<String, LatexError> {
    if let Some(main) = readme_toplevel(tree) {
        return Ok(main);
    }
    let mut candidates: Vec<&String> = tree
        .files
        .iter()
        .filter(|(p, text)| is_tex(p) && is_document(text))
        .map(|(p, _)| p)
        .collect();
    candidates.sort();
    if candidates.is_empty() {
        // One .tex file and nothing else: a fragment, read as the paper.
        let tex: Vec<&String> = tree.files.keys().filter(|p| is_tex(p)).collect();
        return match tex.as_slice() {
            [only] => Ok((*only).clone()),
            _ => Err(LatexError::NoMainFile),
        };
    }
    let decoy = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p).to_lowercase();
        name.starts_with('_')
            || [
                "old", "backup", "bak", "copy", "orig", "draft", "template", "sample",
            ]
            .iter()
            .any(|w| name.contains(w))
    };
    let size = |p: &str| -> usize {
        let mut f = Flattener {
            tree,
            base: dir_of(p).to_string(),
            main_stem: stem(p),
            warnings: Vec::new(),
            size: 0,
            bibliography_done: false,
        };
        f.flatten(p, &mut Vec::new()).map_or(0, |t| t.len())
    };
    let best = candidates
        .iter()
        .max_by_key(|p| (!decoy(p), size(p), std::cmp::Reverse((**p).clone())))
        .map(|p| (*p).clone());
    best.ok_or(LatexError::NoMainFile)
}

fn is_tex(path: &str) -> bool {
    let lower = path.to_lowercase();
    lower.ends_with(".tex") || lower.ends_with(".ltx") || lower.ends_with(".latex")
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_string()
}

/// arXiv's `00README.json` (`{"sources": [{"filename", "usage": "toplevel"}]}`)
/// or `00README.XXX` (`file.tex toplevelfile`).
fn readme_toplevel(tree: &Tree) -> Option<String> {
    if let Some(json) = tree.files.get("00README.json") {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        let sources = value.get("sources")?.as_array()?;
        return sources
            .iter()
            .find(|s| s.get("usage").and_then(|u| u.as_str()) == Some("toplevel"))
            .and_then(|s| s.get("filename")?.as_str())
            .map(normalize)
            .filter(|f| tree.files.contains_key(f));
    }
    let readme = tree.files.get("00README.XXX")?;
    readme.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let file = words.next()?;
        let usage = words.next()?;
        (usage.eq_ignore_ascii_case("toplevelfile") && tree.files.contains_key(file))
            .then(|| normalize(file))
    })
}

/// Extracts the document from an e-print's files.
pub fn extract(files: &[SourceFile]) -> Result<Extracted, LatexError> {
    let tree = Tree::new(files);
    let main = main_file(&tree)?;
    let mut flattener = Flattener {
        tree: &tree,
        base: dir_of(&main).to_string(),
        main_stem: stem(&main),
        warnings: Vec::new(),
        size: 0,
        bibliography_done: false,
    };
    let flat = flattener.flatten(&main, &mut Vec::new())?;
    if flat.len() > MAX_FLAT_BYTES {
        return Err(LatexError::TooBig);
    }
    let has_document = flat.contains("\\begin{document}");
    let has_chapters = flat.contains("\\chapter{") || flat.contains("\\chapter*{");
    let engine = engine::Engine::new(tokens::tokenize(&flat));
    let walker = walker::Walker::new(engine, has_document, has_chapters);
    let (document, mut warnings) = walker.finish();
    if document.sections.is_empty() && document.abstract_text.is_none() {
        return Err(LatexError::Empty);
    }
    let mut all = flattener.warnings;
    all.append(&mut warnings);
    Ok(Extracted {
        document,
        main,
        warnings: all,
    })
}

#[cfg(test)]
mod tests;
