//! Text as wide as the terminal shows it: CJK ideographs and most emoji
//! take two columns, combining marks none. Lists in the CLI and the app cut
//! and pad by these widths, not by counting characters, so a row with a
//! Chinese title lines up with the rows around it.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `text` takes.
pub fn columns(text: &str) -> usize {
    text.width()
}

/// `text` cut to at most `max` columns, ending with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if columns(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        // One column stays for the ellipsis.
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` cut to `width` columns and padded with spaces to exactly `width`.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = cut(text, width);
    let used = columns(&out);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(columns("LoRA"), 4);
        assert_eq!(columns("大型语言模型"), 12);
        assert_eq!(columns("e\u{301}"), 1, "a combining accent takes no column");
    }

    #[test]
    fn cutting_and_padding_keep_to_the_columns() {
        assert_eq!(cut("Attention Is All You Need", 10), "Attention…");
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("anything", 0), "");
        // 大型语言模型: 12 columns; in 7, three ideographs and the ellipsis.
        let cut7 = cut("大型语言模型", 7);
        assert_eq!(cut7, "大型语…");
        assert!(columns(&cut7) <= 7);
        for text in ["大型语言模型的评测", "Ünïcödé", "mixed 中文 and text", ""] {
            for w in [0, 1, 2, 5, 8, 13] {
                assert_eq!(columns(&pad(text, w)), w, "{text:?} in {w}");
            }
        }
    }
}
