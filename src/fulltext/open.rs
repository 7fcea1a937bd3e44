//! Opening a PDF in the reader's viewer: `[reader] pdf_viewer` from
//! config.toml (an argv list, run directly, never through a shell; `{}`
//! stands for the file, else it is appended), else the platform's opener
//! (`xdg-open`, `open` on macOS). The viewer is started and left running.

use std::path::Path;
use std::process::{Command, Stdio};

/// Why the viewer did not start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No viewer configured and no opener on this platform.
    #[error(
        "no PDF viewer: set [reader] pdf_viewer in config.toml (e.g. [\"zathura\"]) or install xdg-utils"
    )]
    NoViewer,
    /// The program could not be started.
    #[error("cannot start {program}: {source}; check [reader] pdf_viewer in config.toml")]
    Start {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The argv that opens `file`: the configured viewer with `{}` replaced by
/// the file (or the file appended), else the platform opener.
pub fn command_line(viewer: &[String], file: &Path) -> Option<Vec<String>> {
    let file = file.to_string_lossy().into_owned();
    if let Some((program, args)) = viewer.split_first() {
        if program.trim().is_empty() {
            return None;
        }
        let mut argv = vec![program.clone()];
        let mut placed = false;
        for a in args {
            if a.contains("{}") {
                argv.push(a.replace("{}", &file));
                placed = true;
            } else {
                argv.push(a.clone());
            }
        }
        if !placed {
            argv.push(file);
        }
        return Some(argv);
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        return None;
    } else {
        "xdg-open"
    };
    Some(vec![opener.to_string(), file])
}

/// Starts the viewer on `file` without waiting for it.
pub fn open(viewer: &[String], file: &Path) -> Result<Vec<String>, OpenError> {
    let argv = command_line(viewer, file).ok_or(OpenError::NoViewer)?;
    let (program, args) = argv.split_first().ok_or(OpenError::NoViewer)?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound && viewer.is_empty() {
                return OpenError::NoViewer;
            }
            OpenError::Start {
                program: program.clone(),
                source,
            }
        })?;
    // Reap the opener when it exits so no zombie is left behind.
    std::thread::spawn(move || child.wait());
    Ok(argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_goes_where_the_viewer_wants_it() {
        let f = Path::new("/home/x/files/1/v1.pdf");
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            command_line(&v(&["zathura"]), f),
            Some(v(&["zathura", "/home/x/files/1/v1.pdf"]))
        );
        assert_eq!(
            command_line(&v(&["evince", "--page-label=1", "{}"]), f),
            Some(v(&["evince", "--page-label=1", "/home/x/files/1/v1.pdf"]))
        );
        let platform = command_line(&[], f).expect("an opener");
        assert!(platform[0] == "xdg-open" || platform[0] == "open");
        assert_eq!(command_line(&v(&[" "]), f), None);
    }
}
