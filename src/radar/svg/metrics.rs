//! How wide text is on the page: Helvetica's advance widths (its AFM
//! metrics, which Arial shares), in thousandths of the font size. The
//! legend layout measures names with these to keep every line inside its
//! column; the tests measure the written picture with them.

/// Advance widths of printable ASCII (space to tilde), regular weight.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    278, 278, 584, 584, 584, 556, 1015, // : to @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
    278, 278, 278, 469, 556, 333, // [ to `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
    334, 260, 334, 584, // { to ~
];

/// Bold Helvetica is wider by about this much on average; taken as a bound.
const BOLD: f64 = 1.12;

/// The width of `text` at `size` units, bold or not. Characters outside
/// ASCII count as a wide Latin letter, or a full em when East Asian wide.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let thousandths: f64 = text
        .chars()
        .map(|c| match c as u32 {
            0x20..=0x7e => f64::from(REGULAR[(c as u32 - 0x20) as usize]),
            _ if unicode_width::UnicodeWidthChar::width(c) == Some(2) => 1000.0,
            _ if c.is_control() => 0.0,
            _ => 778.0,
        })
        .sum();
    thousandths / 1000.0 * size * if bold { BOLD } else { 1.0 }
}

/// `text` cut with an ellipsis to fit `width` (whole if it fits).
pub fn fit(text: &str, size: f64, bold: bool, width: f64) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_string();
    }
    let room = width - text_width("…", size, bold);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size, bold);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font() {
        assert!((text_width("M", 10.0, false) - 8.33).abs() < 1e-9);
        assert!(text_width("iiii", 13.0, false) < text_width("MMMM", 13.0, false));
        assert!(text_width("ADOPT", 13.0, true) > text_width("ADOPT", 13.0, false));
        assert_eq!(text_width("変換", 10.0, false), 20.0);
    }

    #[test]
    fn long_names_are_cut_to_fit() {
        let name = "Retrieval-augmented generation with long-context rerankers";
        let cut = fit(name, 11.0, false, 120.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, 11.0, false) <= 120.0,
            "{cut}"
        );
        assert_eq!(fit("LoRA", 11.0, false, 120.0), "LoRA");
    }
}
