//! Writing a file whole or not at all: the bytes go to a temporary file
//! beside the target (tempfile, named `.NAME.` + random letters + `.part`), are flushed to
//! disk, and the temporary file is renamed over the target. A write cut
//! short by a full disk or Ctrl-C leaves the old file as it was and no stray
//! file behind; what a killed process left is cleared by the next write of
//! that file.

use std::io::Write;
use std::path::Path;

/// Replaces (or creates) `path` with `bytes`, atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.file_name().is_none() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a file name", path.display()),
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(
        ".{}.",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    clear_stale(dir, &prefix);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".part")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file lives for one write of bytes already in memory; one
/// older than this was left by a process that was killed.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

fn clear_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE_AFTER));
        if name.starts_with(prefix) && name.ends_with(".part") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("out.txt");
        write(&path, b"first").expect("write");
        write(&path, b"second").expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.txt")]);
    }

    #[test]
    fn what_a_killed_write_left_is_cleared_by_the_next() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("v2.pdf");
        let stale = dir.path().join(".v2.pdf.x1y2z3.part");
        let file = std::fs::File::create(&stale).expect("stale");
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        file.set_modified(hour_ago).expect("mtime");
        // Another writer's file, fresh: not ours to remove.
        let live = dir.path().join(".v2.pdf.a1b2c3.part");
        std::fs::write(&live, b"").expect("live");
        write(&path, b"%PDF").expect("write");
        assert!(!stale.exists(), "the stale file is gone");
        assert!(live.exists(), "a fresh one stays");
    }

    #[test]
    fn a_write_that_cannot_happen_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("out.txt");
        write(&path, b"kept").expect("write");
        // A directory where the file should go: the rename fails.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).expect("mkdir");
        std::fs::write(blocked.join("inside"), b"x").expect("inside");
        assert!(write(&blocked, b"new").is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"kept");
        assert!(write(Path::new("/"), b"x").is_err(), "not a file name");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left.len(), 2, "no temporary file left: {left:?}");
    }
}
