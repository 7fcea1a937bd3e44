//! The BibTeX reader and its mapping to papers must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(entries) = litradar::formats::bibtex::parse(&text) {
        for entry in &entries {
            let _ = litradar::formats::bibtex::to_incoming(entry);
        }
    }
});
