//! From a stored link to something that can run: the folder, the working
//! directory and the program, each checked, so that a folder that is gone
//! or a program that is not installed is reported before anything starts.

use super::{Implementation, Kind};
use std::path::{Path, PathBuf};

/// A link ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runnable {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// Where it runs.
    pub workdir: PathBuf,
    /// The folder of the code (for its git commit).
    pub folder: PathBuf,
}

/// Where litradar's own source tree is, for the bundled starter
/// implementations: `LITRADAR_SOURCE_DIR`, else the tree it was built from.
pub fn source_root() -> PathBuf {
    std::env::var_os("LITRADAR_SOURCE_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// `~/x` → the home directory's `x`.
pub fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    }
}

/// Finds a program the way the OS would: a path when it has a slash
/// (relative to `workdir`), else the first match on `PATH`.
pub fn find_program(program: &str, workdir: &Path) -> Option<PathBuf> {
    let is_runnable = |p: &Path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            p.is_file()
        }
    };
    if program.contains('/') {
        let p = workdir.join(program);
        return is_runnable(&p).then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| is_runnable(p))
}

/// Checks a link and says how to run it, or why it cannot run.
pub fn resolve(imp: &Implementation, source: &Path) -> Result<Runnable, String> {
    let folder = match imp.kind {
        Kind::Local => expand_home(&imp.location),
        Kind::Starter => source.join(&imp.location),
        Kind::Git => match &imp.workdir {
            Some(w) => expand_home(w),
            None => {
                return Err(format!(
                    "{} is a repository: clone it, then link the folder (or give --workdir CLONE)",
                    imp.location
                ));
            }
        },
    };
    if !folder.is_dir() {
        return Err(match imp.kind {
            Kind::Starter => format!(
                "the starter implementations run from litradar's source tree, which is not at {} (set LITRADAR_SOURCE_DIR)",
                source.display()
            ),
            _ => format!("the folder {} is gone", folder.display()),
        });
    }
    let workdir = match (&imp.workdir, imp.kind) {
        (Some(_), Kind::Git) | (None, Kind::Git) => folder.clone(),
        (Some(w), Kind::Starter) => source.join(w),
        (Some(w), _) => {
            let w = expand_home(w);
            if w.is_absolute() { w } else { folder.join(w) }
        }
        (None, _) => folder.clone(),
    };
    if !workdir.is_dir() {
        return Err(format!(
            "the working directory {} is gone",
            workdir.display()
        ));
    }
    let Some(program) = imp.command.first() else {
        return Err(
            "no command to run: set one with `litradar impl link ID LOCATION --cmd \"...\"`".into(),
        );
    };
    if find_program(program, &workdir).is_none() {
        return Err(format!(
            "cannot start '{program}': not found{}",
            if program.contains('/') {
                format!(" in {}", workdir.display())
            } else {
                " on PATH".to_string()
            }
        ));
    }
    Ok(Runnable {
        argv: imp.command.clone(),
        workdir,
        folder,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(kind: Kind, location: &str, command: &[&str], workdir: Option<&str>) -> Implementation {
        Implementation {
            id: 1,
            paper_id: "1706.03762".into(),
            kind,
            location: location.into(),
            command: command.iter().map(|s| s.to_string()).collect(),
            workdir: workdir.map(String::from),
            framework: None,
            official: false,
            mentioned_in_paper: false,
        }
    }

    #[test]
    fn folders_programs_and_workdirs_are_checked() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::create_dir(root.join("code")).expect("mkdir");
        std::fs::create_dir(root.join("code/sub")).expect("mkdir");
        let loc = root.join("code").display().to_string();
        let ok = resolve(
            &link(Kind::Local, &loc, &["sh", "-c", "true"], Some("sub")),
            root,
        )
        .expect("runs");
        assert_eq!(ok.workdir, root.join("code/sub"));
        assert_eq!(ok.folder, root.join("code"));
        let gone =
            resolve(&link(Kind::Local, "/no/such/folder", &["sh"], None), root).expect_err("gone");
        assert!(gone.contains("is gone"), "{gone}");
        let missing = resolve(
            &link(Kind::Local, &loc, &["no-such-program-litradar"], None),
            root,
        )
        .expect_err("missing");
        assert!(missing.contains("not found on PATH"), "{missing}");
        let script =
            resolve(&link(Kind::Local, &loc, &["./run.sh"], None), root).expect_err("no script");
        assert!(script.contains("not found in"), "{script}");
        let none = resolve(&link(Kind::Local, &loc, &[], None), root).expect_err("no command");
        assert!(none.contains("no command"), "{none}");
        let repo = resolve(
            &link(Kind::Git, "https://github.com/x/y", &["sh"], None),
            root,
        )
        .expect_err("repo");
        assert!(repo.contains("clone it"), "{repo}");
        let starter = resolve(
            &link(Kind::Starter, "papers/x", &["sh"], Some(".")),
            Path::new("/no/source"),
        )
        .expect_err("no tree");
        assert!(starter.contains("LITRADAR_SOURCE_DIR"), "{starter}");
    }
}
