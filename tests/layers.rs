//! Dependencies point one way: the README names the layers, and no module
//! may use one from a layer above its own. Read from the sources, so a new
//! `use crate::…` that points up fails here with the file and the module.

use std::collections::BTreeMap;
use std::path::Path;

/// The README's numbered layer list: module path → layer number.
fn layers() -> BTreeMap<String, usize> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("Dependencies point one way")
        .expect("the README names the layers");
    let mut layers = BTreeMap::new();
    let mut current = None;
    for line in readme[start..].lines().skip(1) {
        let trimmed = line.trim_start();
        if let Some((number, _)) = trimmed.split_once(". **") {
            current = number.parse::<usize>().ok();
        } else if !line.starts_with(' ') && !line.is_empty() && current.is_some() {
            break;
        }
        let Some(layer) = current else { continue };
        // Module names are the backquoted words of the item.
        for (i, piece) in line.split('`').enumerate() {
            let is_module = i % 2 == 1
                && !piece.is_empty()
                && piece
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == ':');
            if is_module {
                layers.insert(piece.to_string(), layer);
            }
        }
    }
    assert!(layers.len() > 10, "too few layers read: {layers:?}");
    layers
}

/// The most specific layer entry for a module path (`fulltext::job` before
/// `fulltext`).
fn layer_of<'a>(layers: &'a BTreeMap<String, usize>, path: &str) -> Option<(&'a str, usize)> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len()).rev().find_map(|n| {
        let key = parts[..n].join("::");
        layers.get_key_value(&key).map(|(k, v)| (k.as_str(), *v))
    })
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::a::b` paths named in the code before any `#[cfg(test)]`.
fn crate_paths(code: &str) -> Vec<String> {
    let code = code.split("#[cfg(test)]").next().unwrap_or(code);
    let mut paths = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':')
            .collect();
        let path = path.trim_end_matches(':').to_string();
        if !path.is_empty() {
            paths.push(path);
        }
    }
    paths
}

#[test]
fn no_module_uses_one_from_a_layer_above_it() {
    let layers = layers();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut unlayered = Vec::new();
    let mut upward = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let mut parts: Vec<String> = relative
            .with_extension("")
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        let module = parts.join("::");
        let is_test_file = parts
            .last()
            .is_some_and(|p| p == "tests" || p.ends_with("_tests"));
        if module == "lib" || module == "main" || is_test_file {
            continue;
        }
        let Some((own_key, own)) = layer_of(&layers, &module) else {
            unlayered.push(module);
            continue;
        };
        let code = std::fs::read_to_string(file).expect("source");
        for path in crate_paths(&code) {
            if let Some((key, theirs)) = layer_of(&layers, &path) {
                if theirs > own {
                    upward.push(format!(
                        "{} ({own_key}, layer {own}) uses crate::{path} ({key}, layer {theirs})",
                        relative.display()
                    ));
                }
            }
        }
    }
    assert!(
        unlayered.is_empty(),
        "modules the README's layer list does not name: {unlayered:?}"
    );
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "dependencies that point up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_layer_reader_sees_an_upward_use() {
    let layers = layers();
    assert_eq!(
        layer_of(&layers, "fulltext::job::run"),
        Some(("fulltext::job", 4))
    );
    assert_eq!(layer_of(&layers, "fulltext::pdf"), Some(("fulltext", 3)));
    let code = "use crate::library::Watch;\nfn f() { crate::tui::run(); }\n#[cfg(test)]\nuse crate::cli::x;";
    // Type names end a path: only modules matter.
    assert_eq!(crate_paths(code), ["library", "tui::run"]);
}
