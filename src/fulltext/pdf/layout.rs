//! A PDF's text as positioned words, lines and blocks, in reading order:
//! from `pdftotext -bbox-layout` (poppler orders the blocks of two-column
//! pages column by column), or, without geometry, from plain text (blocks
//! are paragraphs separated by blank lines, pages by form feeds).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// A word and its box (points, origin top left).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The text.
    pub text: String,
    /// Left.
    pub x0: f32,
    /// Top.
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y1: f32,
}

/// A line of words.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Words, left to right.
    pub words: Vec<Word>,
}

impl Line {
    /// The words joined by spaces, except where two boxes touch: poppler
    /// splits a word where its font changes, as small capitals do
    /// ("S PECTER" is set S + PECTER), and those pieces are one word.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                let prev = &self.words[i - 1];
                let size = (prev.y1 - prev.y0).max(w.y1 - w.y0);
                let gap = w.x0 - prev.x1;
                let touching = size > 0.0 && gap.abs() < size * 0.08;
                if !touching {
                    out.push(' ');
                }
            }
            out.push_str(&w.text);
        }
        out
    }

    /// The line's height: its tallest word's (0 without geometry).
    pub fn height(&self) -> f32 {
        self.words.iter().map(|w| w.y1 - w.y0).fold(0.0, f32::max)
    }

    /// Top of the line.
    pub fn top(&self) -> f32 {
        self.words.iter().map(|w| w.y0).fold(f32::MAX, f32::min)
    }

    /// Left edge.
    pub fn left(&self) -> f32 {
        self.words.first().map_or(0.0, |w| w.x0)
    }

    /// Right edge.
    pub fn right(&self) -> f32 {
        self.words.last().map_or(0.0, |w| w.x1)
    }
}

/// A block of lines (a paragraph, a heading, a caption, a table cell).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// Lines, top to bottom.
    pub lines: Vec<Line>,
    /// The page, from 0.
    pub page: usize,
}

impl Block {
    /// The lines joined by spaces (no repair of split words).
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(Line::text)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Words in the block.
    pub fn word_count(&self) -> usize {
        self.lines.iter().map(|l| l.words.len()).sum()
    }
}

/// A whole PDF's text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// Page sizes (width, height) in points.
    pub pages: Vec<(f32, f32)>,
    /// Whether the words carry real boxes.
    pub geometry: bool,
}

fn attr(start: &BytesStart<'_>, name: &str) -> Option<f32> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
}

/// Reads `pdftotext -bbox-layout` output. Malformed XML ends the read
/// where it breaks (what was read stays), never panics.
pub fn from_bbox(xhtml: &str) -> Layout {
    let mut reader = Reader::from_str(xhtml);
    reader.config_mut().expand_empty_elements = true;
    let mut layout = Layout {
        geometry: true,
        ..Layout::default()
    };
    let mut block: Option<Block> = None;
    let mut line: Option<Line> = None;
    let mut word: Option<Word> = None;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(start) => match start.local_name().as_ref() {
                "page" => layout.pages.push((
                    attr(&start, "width").unwrap_or(612.0),
                    attr(&start, "height").unwrap_or(792.0),
                )),
                "block" => {
                    block = Some(Block {
                        lines: Vec::new(),
                        page: layout.pages.len().saturating_sub(1),
                    })
                }
                "line" => line = Some(Line::default()),
                "word" => {
                    word = Some(Word {
                        text: String::new(),
                        x0: attr(&start, "xMin").unwrap_or(0.0),
                        y0: attr(&start, "yMin").unwrap_or(0.0),
                        x1: attr(&start, "xMax").unwrap_or(0.0),
                        y1: attr(&start, "yMax").unwrap_or(0.0),
                    })
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(w) = word.as_mut() {
                    w.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(w) = word.as_mut() {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match &*r {
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "amp" => "&".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            _ => String::new(),
                        },
                    };
                    w.text.push_str(&resolved);
                }
            }
            Event::End(end) => match end.local_name().as_ref() {
                "word" => {
                    if let (Some(w), Some(l)) = (word.take(), line.as_mut()) {
                        if !w.text.trim().is_empty() {
                            l.words.push(w);
                        }
                    }
                }
                "line" => {
                    if let (Some(l), Some(b)) = (line.take(), block.as_mut()) {
                        if !l.words.is_empty() {
                            b.lines.push(l);
                        }
                    }
                }
                "block" => {
                    if let Some(b) = block.take() {
                        if !b.lines.is_empty() {
                            layout.blocks.push(b);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    layout
}

/// Reads plain text: pages split at form feeds, blocks at blank lines.
pub fn from_text(text: &str) -> Layout {
    let mut layout = Layout::default();
    for (page, content) in text.split('\u{c}').enumerate() {
        layout.pages.push((612.0, 792.0));
        let mut block = Block {
            lines: Vec::new(),
            page,
        };
        for raw in content.lines() {
            let words: Vec<Word> = raw
                .split_whitespace()
                .map(|w| Word {
                    text: w.to_string(),
                    x0: 0.0,
                    y0: 0.0,
                    x1: 0.0,
                    y1: 0.0,
                })
                .collect();
            if words.is_empty() {
                if !block.lines.is_empty() {
                    layout.blocks.push(std::mem::replace(
                        &mut block,
                        Block {
                            lines: Vec::new(),
                            page,
                        },
                    ));
                }
                continue;
            }
            block.lines.push(Line { words });
        }
        if !block.lines.is_empty() {
            layout.blocks.push(block);
        }
    }
    if text.trim().is_empty() {
        layout.pages.clear();
    }
    layout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_output_becomes_blocks_of_positioned_words() {
        let xhtml = r#"<html><body><doc><page width="612" height="792"><flow>
            <block xMin="1" yMin="2" xMax="3" yMax="4"><line xMin="1" yMin="2" xMax="3" yMax="4">
            <word xMin="10" yMin="20" xMax="30" yMax="30">Tom&amp;Jerry</word>
            <word xMin="32" yMin="20" xMax="50" yMax="30">&#8211;x</word></line></block>
            </flow></page><page width="612" height="792"><flow><block><line>
            <word xMin="1" yMin="1" xMax="2" yMax="12">two</word></line></block></flow></page></doc></body></html>"#;
        let l = from_bbox(xhtml);
        assert!(l.geometry);
        assert_eq!(l.pages.len(), 2);
        assert_eq!(l.blocks.len(), 2);
        assert_eq!(l.blocks[0].text(), "Tom&Jerry –x");
        // Boxes that touch are one word split by a change of font.
        let small_caps = Line {
            words: vec![
                Word {
                    text: "S".into(),
                    x0: 10.0,
                    y0: 0.0,
                    x1: 17.0,
                    y1: 10.0,
                },
                Word {
                    text: "PECTER".into(),
                    x0: 17.2,
                    y0: 2.0,
                    x1: 50.0,
                    y1: 10.0,
                },
                Word {
                    text: "works".into(),
                    x0: 53.0,
                    y0: 0.0,
                    x1: 80.0,
                    y1: 10.0,
                },
            ],
        };
        assert_eq!(small_caps.text(), "SPECTER works");
        assert_eq!(l.blocks[1].page, 1);
        assert_eq!(l.blocks[1].lines[0].height(), 11.0);
        // Cut-off XML keeps what was read.
        let cut = &xhtml[..xhtml.find("</flow>").expect("flow")];
        assert_eq!(from_bbox(cut).blocks.len(), 1);
        assert!(from_bbox("<<<not xml").blocks.is_empty());
    }

    #[test]
    fn plain_text_splits_at_blank_lines_and_form_feeds() {
        let l = from_text("Title line\n\nFirst para\ncontinues\n\u{c}Page two\n");
        assert!(!l.geometry);
        assert_eq!(l.blocks.len(), 3);
        assert_eq!(l.blocks[1].lines.len(), 2);
        assert_eq!(l.blocks[2].page, 1);
        assert!(from_text("  \n").blocks.is_empty());
    }
}
