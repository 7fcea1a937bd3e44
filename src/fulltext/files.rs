//! The home's file store: downloaded PDFs as `files/<id>/vN.pdf`, never
//! in the database. A file is written whole or not at all (written beside
//! its place under a temporary name, synced, then renamed), so a crash or
//! a cut connection never leaves half a PDF where a whole one is expected.

use std::path::{Path, PathBuf};

/// The store under a home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStore {
    root: PathBuf,
}

/// The folder name of a paper id: old-style ids (`hep-th/9901001`) have a
/// slash, which becomes `_`; anything else unexpected is refused.
fn folder_of(id: &str) -> Option<String> {
    let name = id.replace('/', "_");
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    ok.then_some(name)
}

impl FileStore {
    /// The store in `home_root/files`.
    pub fn new(home_root: &Path) -> FileStore {
        FileStore {
            root: home_root.join("files"),
        }
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the PDF of a paper's version lives (whether or not it is there).
    pub fn pdf_path(&self, id: &str, version: u32) -> Option<PathBuf> {
        Some(
            self.root
                .join(folder_of(id)?)
                .join(format!("v{version}.pdf")),
        )
    }

    /// The PDF, when it is there and looks like one.
    pub fn existing_pdf(&self, id: &str, version: u32) -> Option<PathBuf> {
        let path = self.pdf_path(id, version)?;
        let mut head = [0u8; 5];
        let ok = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && &head == b"%PDF-";
        ok.then_some(path)
    }

    /// Writes a PDF whole, replacing any earlier one.
    pub fn save_pdf(&self, id: &str, version: u32, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.pdf_path(id, version).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("'{id}' cannot name a file"),
            )
        })?;
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir)?;
        crate::atomic::write(&path, bytes)?;
        Ok(path)
    }

    /// Removes a PDF (one that could not be read, say).
    pub fn remove_pdf(&self, id: &str, version: u32) {
        if let Some(path) = self.pdf_path(id, version) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Removes every file of a paper.
    pub fn remove_paper(&self, id: &str) -> std::io::Result<()> {
        let Some(folder) = folder_of(id) else {
            return Ok(());
        };
        match std::fs::remove_dir_all(self.root.join(folder)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdfs_are_kept_per_id_and_version() {
        let home = tempfile::tempdir().expect("temp");
        let store = FileStore::new(home.path());
        assert_eq!(store.existing_pdf("2106.09685", 2), None);
        // What a killed download left behind is cleared by the next one.
        let dir = home.path().join("files/2106.09685");
        std::fs::create_dir_all(&dir).expect("dir");
        let stale = std::fs::File::create(dir.join(".v2.pdf.99999.part")).expect("stale");
        stale
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .expect("an hour old");
        let path = store
            .save_pdf("2106.09685", 2, b"%PDF-1.5 whole")
            .expect("save");
        assert!(path.ends_with("files/2106.09685/v2.pdf"));
        assert_eq!(store.existing_pdf("2106.09685", 2), Some(path.clone()));
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["v2.pdf"]);
        let old = store
            .save_pdf("hep-th/9901001", 1, b"%PDF-1.2")
            .expect("old id");
        assert!(old.ends_with("files/hep-th_9901001/v1.pdf"));
        assert!(store.pdf_path("../etc", 1).is_none());
        assert!(store.pdf_path("a b", 1).is_none());
        store.remove_paper("2106.09685").expect("remove");
        assert_eq!(store.existing_pdf("2106.09685", 2), None);
        store.remove_paper("2106.09685").expect("twice is fine");
    }
}
