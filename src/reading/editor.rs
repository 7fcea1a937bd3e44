//! Editing a note in the user's `$EDITOR` (or `$VISUAL`): the text goes to
//! a temporary Markdown file, the editor runs, and the file is read back.
//! An editor that fails, or leaves the file as it was, yields nothing to save.

use std::path::PathBuf;
use std::process::Command;

/// Why editing gave nothing back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The temporary file could not be written or read.
    #[error("cannot use the temporary file {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The editor could not be started.
    #[error("cannot start the editor '{editor}': {source} (set $EDITOR)")]
    Start {
        /// The command.
        editor: String,
        /// Why.
        source: std::io::Error,
    },
    /// The editor exited with a failure status.
    #[error("the editor '{editor}' exited with {status}; nothing was saved")]
    Failed {
        /// The command.
        editor: String,
        /// How it ended.
        status: std::process::ExitStatus,
    },
}

/// The editor command: `$VISUAL`, else `$EDITOR`, else `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Opens `initial` in the editor as `<name>.md`; returns the new text, or
/// `None` when the file came back unchanged.
pub fn edit(initial: &str, name: &str) -> Result<Option<String>, EditError> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("litradar-{}-{stamp}", std::process::id()));
    let path = dir.join(format!("{safe}.md"));
    let file_error = |source| EditError::File {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(file_error)?;
    let result = (|| {
        std::fs::write(&path, initial).map_err(file_error)?;
        let editor = editor_command();
        // Through the shell, so EDITOR="code --wait" works as people expect.
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status()
            .map_err(|source| EditError::Start {
                editor: editor.clone(),
                source,
            })?;
        if !status.success() {
            return Err(EditError::Failed { editor, status });
        }
        let text = std::fs::read_to_string(&path).map_err(file_error)?;
        Ok((text != initial).then_some(text))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
