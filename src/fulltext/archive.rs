//! What `/e-print/IDvN` serves, told apart by content (arXiv gives no file
//! name): a gzipped tar of the source, a single gzipped `.tex`, a PDF (for
//! PDF-only submissions), or the same uncompressed. Everything is read in
//! memory, streamed, with caps on the unpacked size, the number of entries
//! and the size of each file kept, so an archive bomb is an error and
//! nothing is ever written to disk.

use flate2::read::MultiGzDecoder;
use std::io::Read;

/// Caps on what an e-print may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes the whole archive may unpack to.
    pub unpacked: u64,
    /// Entries a tar may hold.
    pub entries: usize,
    /// Bytes one kept (text) file may have.
    pub file: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            unpacked: 512 << 20,
            entries: 20_000,
            file: 16 << 20,
        }
    }
}

/// One file of a source archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its path inside the archive (`./` and leading `/` removed).
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What an e-print turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eprint {
    /// LaTeX source: the text files (TeX, bibliography, styles, README).
    Source(Vec<SourceFile>),
    /// A PDF-only submission.
    Pdf(Vec<u8>),
}

/// Why an e-print could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// Unpacks to more than the cap.
    #[error("the e-print unpacks to more than {0} MiB (an archive bomb?)")]
    TooBig(u64),
    /// More entries than the cap.
    #[error("the e-print holds more than {0} files")]
    TooManyEntries(usize),
    /// Truncated or corrupt compression or tar structure.
    #[error("the e-print is damaged: {0}")]
    Corrupt(String),
    /// Not gzip, tar, PDF or TeX.
    #[error("the e-print is neither a gzipped tar, a gzipped .tex, a PDF nor TeX")]
    Unknown,
    /// A tar with no TeX in it.
    #[error("the e-print's archive has no .tex file")]
    NoTex,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

fn is_pdf(head: &[u8]) -> bool {
    head.starts_with(b"%PDF")
}

/// A reader that fails once more than `left` bytes came through it.
struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(CapExceeded(self.cap)));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[derive(Debug)]
struct CapExceeded(u64);

impl std::fmt::Display for CapExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} bytes", self.0)
    }
}

impl std::error::Error for CapExceeded {}

fn io_error(e: std::io::Error) -> ArchiveError {
    if let Some(cap) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<CapExceeded>())
    {
        return ArchiveError::TooBig(cap.0 >> 20);
    }
    ArchiveError::Corrupt(crate::paper::fold_whitespace(&e.to_string()))
}

fn read_capped(reader: impl Read, cap: u64) -> Result<Vec<u8>, ArchiveError> {
    let mut out = Vec::new();
    Capped {
        inner: reader,
        left: cap,
        cap,
    }
    .read_to_end(&mut out)
    .map_err(io_error)?;
    Ok(out)
}

/// Reads an e-print.
pub fn unpack(bytes: &[u8], limits: &Limits) -> Result<Eprint, ArchiveError> {
    if bytes.starts_with(GZIP_MAGIC) {
        // The first block tells tar from a single file.
        let mut head = Vec::with_capacity(512);
        MultiGzDecoder::new(bytes)
            .take(512)
            .read_to_end(&mut head)
            .map_err(io_error)?;
        if is_tar(&head) {
            return untar(MultiGzDecoder::new(bytes), limits);
        }
        let cap = if is_pdf(&head) {
            limits.unpacked
        } else {
            limits.file
        };
        let content = read_capped(MultiGzDecoder::new(bytes), cap)?;
        return single(content);
    }
    if is_tar(bytes) {
        return untar(bytes, limits);
    }
    single(bytes.to_vec())
}

/// An uncompressed single file: a PDF, or TeX.
fn single(content: Vec<u8>) -> Result<Eprint, ArchiveError> {
    if is_pdf(&content) {
        return Ok(Eprint::Pdf(content));
    }
    let text = String::from_utf8_lossy(&content[..content.len().min(1 << 20)]);
    let texlike = [
        "\\documentclass",
        "\\documentstyle",
        "\\begin{",
        "\\section",
        "\\input",
    ]
    .iter()
    .any(|m| text.contains(m));
    if !texlike {
        return Err(ArchiveError::Unknown);
    }
    Ok(Eprint::Source(vec![SourceFile {
        path: "main.tex".into(),
        bytes: content,
    }]))
}

/// Files worth keeping from a source tree: TeX and what it reads.
fn kept(path: &str) -> bool {
    let lower = path.to_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if name.starts_with("._") {
        return false;
    }
    if name.starts_with("00readme") {
        return true;
    }
    [
        ".tex", ".ltx", ".latex", ".bbl", ".sty", ".cls", ".def", ".cfg", ".clo", ".inc", ".txt",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

fn untar(reader: impl Read, limits: &Limits) -> Result<Eprint, ArchiveError> {
    let capped = Capped {
        inner: reader,
        left: limits.unpacked,
        cap: limits.unpacked,
    };
    let mut archive = tar::Archive::new(capped);
    let mut files = Vec::new();
    let entries = archive.entries().map_err(io_error)?;
    for (n, entry) in entries.enumerate() {
        if n >= limits.entries {
            return Err(ArchiveError::TooManyEntries(limits.entries));
        }
        let mut entry = entry.map_err(io_error)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = match entry.path() {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(_) => continue,
        };
        let path = path
            .trim_start_matches("./")
            .trim_start_matches('/')
            .to_string();
        if path.split('/').any(|part| part == "..") || !kept(&path) {
            continue;
        }
        if entry.size() > limits.file {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(limits.file)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        files.push(SourceFile { path, bytes });
    }
    if !files.iter().any(|f| {
        let p = f.path.to_lowercase();
        (p.ends_with(".tex") || p.ends_with(".ltx") || p.ends_with(".latex"))
            && !p.rsplit('/').next().unwrap_or("").starts_with("._")
    }) {
        // A tar holding only a PDF: a PDF-only submission packed.
        return Err(ArchiveError::NoTex);
    }
    Ok(Eprint::Source(files))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(bytes).expect("gzip");
        e.finish().expect("gzip")
    }

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, bytes) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, path, *bytes).expect("append");
        }
        b.into_inner().expect("tar")
    }

    #[test]
    fn the_forms_are_told_apart_by_content() {
        let tex = b"\\documentclass{article}\\begin{document}Hi\\end{document}";
        match unpack(&gzip(tex), &Limits::default()).expect("gz tex") {
            Eprint::Source(f) => assert_eq!((f.len(), f[0].path.as_str()), (1, "main.tex")),
            other => panic!("{other:?}"),
        }
        let tar = tar_of(&[
            ("./ms.tex", tex),
            ("fig.png", b"\x89PNG"),
            ("._ms.tex", b"junk"),
        ]);
        match unpack(&gzip(&tar), &Limits::default()).expect("tar.gz") {
            Eprint::Source(f) => {
                assert_eq!(
                    f.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
                    ["ms.tex"]
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            unpack(b"%PDF-1.5 ...", &Limits::default()),
            Ok(Eprint::Pdf(_))
        ));
        assert!(matches!(
            unpack(&gzip(b"%PDF-1.4 x"), &Limits::default()),
            Ok(Eprint::Pdf(_))
        ));
        assert_eq!(
            unpack(b"<html>no</html>", &Limits::default()),
            Err(ArchiveError::Unknown)
        );
    }

    #[test]
    fn damage_and_bombs_are_errors() {
        let tar = tar_of(&[("ms.tex", &[b'x'; 5000])]);
        let gz = gzip(&tar);
        let cut = &gz[..gz.len() / 2];
        assert!(matches!(
            unpack(cut, &Limits::default()),
            Err(ArchiveError::Corrupt(_))
        ));
        // 64 MiB of zeros in a tar, against a 1 MiB cap.
        let zeros = vec![0u8; 64 << 20];
        let bomb = gzip(&tar_of(&[
            ("a.tex", b"\\documentclass"),
            ("big.bin", &zeros),
        ]));
        assert!(bomb.len() < 1 << 20);
        let small = Limits {
            unpacked: 1 << 20,
            ..Limits::default()
        };
        assert!(matches!(
            unpack(&bomb, &small),
            Err(ArchiveError::TooBig(1))
        ));
        let many: Vec<(String, &[u8])> =
            (0..30).map(|i| (format!("f{i}.tex"), &b"x"[..])).collect();
        let refs: Vec<(&str, &[u8])> = many.iter().map(|(p, b)| (p.as_str(), *b)).collect();
        let few = Limits {
            entries: 10,
            ..Limits::default()
        };
        assert_eq!(
            unpack(&tar_of(&refs), &few),
            Err(ArchiveError::TooManyEntries(10))
        );
    }
}
