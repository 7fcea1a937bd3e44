//! The little LaTeX that bibliographies carry: accent commands (`{\"u}`,
//! `\v{s}`), escaped specials (`\&`, `\%`), case-protecting braces, text
//! macros (`\emph{…}`, `{\sc …}`, `\url{…}`) and simple math (`$\mu$`,
//! `$^2$`). Decoding turns them into Unicode text; encoding escapes what
//! LaTeX would misread. Math that has no Unicode form and unknown commands
//! are left as they are.

/// How much to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    /// Accents only; braces and escapes kept (abstracts, which arXiv keeps as TeX).
    Accents,
    /// Accents, escaped specials and case-protecting braces (titles, names, notes).
    Full,
}

mod ads;
mod math;

#[cfg(test)]
use math::script;
use math::simple_math;

/// Turns BibTeX field text into plain Unicode text.
pub fn decode(text: &str, mode: Decode) -> String {
    let text = ads::decode_entities(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_math = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' && !in_math && mode == Decode::Full {
            // Simple math becomes text where Unicode has it; the rest stays TeX.
            if let Some(close) =
                (i + 1..chars.len()).find(|&j| chars[j] == '$' && chars[j - 1] != '\\')
            {
                let inner: String = chars[i + 1..close].iter().collect();
                // Only math that needs a command or a script to be read:
                // `$O(1)$` stays as written (arXiv titles keep it so).
                let needs_reading = inner.contains(['\\', '^', '_']);
                if let Some(text) = simple_math(&inner).filter(|_| needs_reading) {
                    out.push_str(&text);
                    i = close + 1;
                    continue;
                }
            }
        }
        // `\( … \)` is inline math too (dblp and JabRef write it so).
        if c == '\\' && chars.get(i + 1) == Some(&'(') && !in_math && mode == Decode::Full {
            let close = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '\\' && chars[j + 1] == ')');
            if let Some(close) = close {
                let inner: String = chars[i + 2..close].iter().collect();
                // Math with no plain reading stays TeX, as `$…$` does.
                match simple_math(&inner) {
                    Some(text) => out.push_str(&text),
                    None => out.extend(&chars[i..close + 2]),
                }
                i = close + 2;
                continue;
            }
        }
        if c == '$' {
            in_math = !in_math;
            out.push(c);
            i += 1;
            continue;
        }
        if in_math {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '\\' => i = decode_command(&chars, i, mode, &mut out),
            '{' if mode == Decode::Full => {
                // `{\"u}` is an accent group; any other group only protects case.
                if chars.get(i + 1) == Some(&'\\') {
                    let mut inner = String::new();
                    let next = decode_command(&chars, i + 1, mode, &mut inner);
                    if chars.get(next) == Some(&'}') && inner.chars().count() == 1 {
                        out.push_str(&inner);
                        i = next + 1;
                        continue;
                    }
                }
                i += 1;
            }
            '}' if mode == Decode::Full => i += 1,
            // A tie (`D.~J. Whalen`, `Fig.~3`) is a space that does not break.
            '~' if mode == Decode::Full => {
                out.push(' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes the command at `chars[start] == '\\'`; returns the next index.
fn decode_command(chars: &[char], start: usize, mode: Decode, out: &mut String) -> usize {
    let Some(&next) = chars.get(start + 1) else {
        out.push('\\');
        return start + 1;
    };
    // Accent with a symbol name: \'e, \"{o}, \^{}...
    if "'`^\"~=.".contains(next) {
        if let Some((letter, end)) = accent_argument(chars, start + 2) {
            out.push_str(&compose(next, letter));
            return end;
        }
        out.push('\\');
        out.push(next);
        return start + 2;
    }
    if "&%#_$".contains(next) {
        if mode == Decode::Full {
            out.push(next);
        } else {
            out.push('\\');
            out.push(next);
        }
        return start + 2;
    }
    if !next.is_ascii_alphabetic() {
        out.push('\\');
        out.push(next);
        return start + 2;
    }
    let mut end = start + 1;
    while end < chars.len() && chars[end].is_ascii_alphabetic() {
        end += 1;
    }
    let name: String = chars[start + 1..end].iter().collect();
    // Letter accents take an argument: \v{s}, \c c, \H{o}.
    if matches!(
        name.as_str(),
        "v" | "c" | "H" | "u" | "k" | "r" | "d" | "b" | "t"
    ) {
        let mut arg_start = end;
        while chars.get(arg_start) == Some(&' ') {
            arg_start += 1;
        }
        if let Some((letter, after)) = accent_argument(chars, arg_start) {
            let accent = name.chars().next().unwrap_or('v');
            out.push_str(&compose(accent, letter));
            return after;
        }
    }
    let symbol = match name.as_str() {
        "ss" => Some("ß"),
        "o" => Some("ø"),
        "O" => Some("Ø"),
        "aa" => Some("å"),
        "AA" => Some("Å"),
        "ae" => Some("æ"),
        "AE" => Some("Æ"),
        "oe" => Some("œ"),
        "OE" => Some("Œ"),
        "l" => Some("ł"),
        "L" => Some("Ł"),
        "i" => Some("ı"),
        "j" => Some("ȷ"),
        "textendash" => Some("–"),
        "textemdash" => Some("—"),
        "textquoteright" => Some("’"),
        "textquoteleft" => Some("‘"),
        // ADS's markup (`{\lt}`, `{\mdash}`) is no LaTeX: titles only.
        _ if mode == Decode::Full => ads::ads_symbol(&name),
        _ => None,
    };
    match symbol {
        Some(s) if mode == Decode::Full || name.len() <= 2 => {
            out.push_str(s);
            // A control word eats one following space ("\ss e" is "ße")...
            // but "{\o}" has none; leave braces to the caller.
            if chars.get(end) == Some(&' ') && name.len() > 2 {
                return end + 1;
            }
            if chars.get(end) == Some(&'{') && chars.get(end + 1) == Some(&'}') {
                return end + 2;
            }
            end
        }
        _ if mode == Decode::Full && DECLARATIONS.contains(&name.as_str()) => {
            // `{\sc Name}`, `{\em word}`: the style goes, the text stays.
            if chars.get(end) == Some(&' ') {
                return end + 1;
            }
            end
        }
        _ if mode == Decode::Full && chars.get(end) == Some(&'{') => {
            let Some(close) = matching_brace(chars, end) else {
                out.push('\\');
                out.push_str(&name);
                return end;
            };
            let argument: String = chars[end + 1..close].iter().collect();
            if let Some(wrap) = text_macro(&name) {
                let (open, shut) = wrap;
                out.push_str(open);
                if name == "url" {
                    out.push_str(&argument);
                } else {
                    out.push_str(&decode(&argument, mode));
                }
                out.push_str(shut);
                return close + 1;
            }
            if name == "href" && chars.get(close + 1) == Some(&'{') {
                // \href{url}{text}: the text.
                if let Some(text_close) = matching_brace(chars, close + 1) {
                    let text: String = chars[close + 2..text_close].iter().collect();
                    out.push_str(&decode(&text, mode));
                    return text_close + 1;
                }
            }
            // Unknown command: keep it and its braced argument verbatim.
            out.push('\\');
            out.push_str(&name);
            out.extend(&chars[end..=close]);
            close + 1
        }
        _ => {
            // Unknown command: keep it and, in full mode, its braced argument verbatim.
            out.push('\\');
            out.push_str(&name);
            if mode == Decode::Full && chars.get(end) == Some(&'{') {
                if let Some(close) = matching_brace(chars, end) {
                    out.extend(&chars[end..=close]);
                    return close + 1;
                }
            }
            end
        }
    }
}

/// Style declarations inside a group: `{\sc Name}`, `{\em word}`.
const DECLARATIONS: &[&str] = &[
    "sc",
    "em",
    "bf",
    "it",
    "tt",
    "sl",
    "rm",
    "sf",
    "normalfont",
    "scshape",
    "itshape",
    "bfseries",
    "ttfamily",
    "upshape",
    "mdseries",
    "small",
    "footnotesize",
    "large",
    "noopsort",
];

/// Text macros whose argument is the text, and what goes around it.
fn text_macro(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "emph" | "textbf" | "textit" | "textsc" | "texttt" | "textsl" | "textup" | "textmd"
        | "textrm" | "textsf" | "textnormal" | "mkbibemph" | "mkbibbold" | "mbox" | "hbox"
        | "NoCaseChange" | "nocase" | "url" | "path" => Some(("", "")),
        "mkbibquote" | "enquote" => Some(("“", "”")),
        _ => None,
    }
}

/// The letter an accent applies to: `e`, `{e}`, `{\i}`, `\i`.
fn accent_argument(chars: &[char], at: usize) -> Option<(char, usize)> {
    match chars.get(at)? {
        '{' => match (chars.get(at + 1)?, chars.get(at + 2)) {
            ('\\', _) => {
                let letter = *chars.get(at + 2)?;
                let dotless = if letter == 'i' { 'ı' } else { letter };
                (chars.get(at + 3) == Some(&'}')).then_some((dotless, at + 4))
            }
            ('}', _) => Some((' ', at + 2)),
            (&c, Some('}')) => Some((c, at + 3)),
            _ => None,
        },
        '\\' => {
            let letter = *chars.get(at + 1)?;
            (letter == 'i' || letter == 'j').then_some(('ı', at + 2))
        }
        &c if c.is_alphabetic() => Some((c, at + 1)),
        _ => None,
    }
}

/// A letter with an accent, as one precomposed character where one exists.
fn compose(accent: char, letter: char) -> String {
    let letter = if letter == 'ı' { 'i' } else { letter };
    let combining = match accent {
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '"' => '\u{308}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30C}',
        'H' => '\u{30B}',
        'c' => '\u{327}',
        'k' => '\u{328}',
        'r' => '\u{30A}',
        'd' => '\u{323}',
        'b' => '\u{331}',
        _ => '\u{361}',
    };
    if letter == ' ' {
        return accent.to_string();
    }
    // Canonical composition: one precomposed character where Unicode has
    // one (é, ő, ǘ), else the letter and its combining mark.
    use unicode_normalization::UnicodeNormalization;
    [letter, combining].iter().copied().nfc().collect()
}

/// Index of the `}` closing the `{` at `open`, honouring nesting and escapes.
pub fn matching_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Escapes what LaTeX would misread in typeset text (`&`, `%`, `#` outside
/// math) and, when `protect_case` is set, wraps words with inner capitals
/// (`LoRA`, `GPT-3`) in braces so styles do not lowercase them.
pub fn encode(text: &str, protect_case: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_math = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        match c {
            '$' if prev != Some('\\') => {
                in_math = !in_math;
                out.push(c);
            }
            '&' | '%' | '#' if !in_math && prev != Some('\\') => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        prev = Some(c);
    }
    let out = balance_braces(&out);
    if protect_case {
        protect_words(&out)
    } else {
        out
    }
}

/// Escapes braces that do not pair up, so the field still parses.
pub fn balance_braces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut keep = vec![true; chars.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '{' => open.push(i),
            '}' if open.pop().is_none() => {
                keep[i] = false;
            }
            _ => {}
        }
        i += 1;
    }
    for i in open {
        keep[i] = false;
    }
    let mut out = String::with_capacity(text.len());
    for (c, ok) in chars.iter().zip(keep) {
        if !ok {
            out.push('\\');
        }
        out.push(*c);
    }
    out
}

fn protect_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut depth = 0usize;
    let mut in_math = false;
    for word in split_keep_spaces(text) {
        let plain = depth == 0 && !in_math && !word.contains(['\\', '{', '}', '$']);
        let core_start = word.find(|c: char| c.is_alphanumeric());
        let core_end = word
            .rfind(|c: char| c.is_alphanumeric())
            .map(|i| i + word[i..].chars().next().map_or(1, char::len_utf8));
        match (plain, core_start, core_end) {
            (true, Some(start), Some(end)) if has_inner_capital(&word[start..end]) => {
                out.push_str(&word[..start]);
                out.push('{');
                out.push_str(&word[start..end]);
                out.push('}');
                out.push_str(&word[end..]);
            }
            _ => out.push_str(word),
        }
        for c in word.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                '$' => in_math = !in_math,
                _ => {}
            }
        }
    }
    out
}

/// "LoRA", "GPT-3", "iPhone": a capital that sentence case would lower
/// wrongly. "Low-Rank" is not one: each part only starts with a capital.
fn has_inner_capital(word: &str) -> bool {
    word.split('-')
        .any(|part| part.chars().skip(1).any(char::is_uppercase))
}

fn split_keep_spaces(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if i > start && space != in_space {
            parts.push(&text[start..i]);
            start = i;
        }
        in_space = space;
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_math_in_either_delimiter_reads_as_text() {
        for (tex, text) in [
            (
                r"Pipelined Radix-2\({}^{\mbox{k}}\) Feedforward FFT",
                "Pipelined Radix-2ᵏ Feedforward FFT",
            ),
            (r"0.35 \(\mathrm{\mu}\)m CMOS", "0.35 μm CMOS"),
            (r"the 5\({}^{\mbox{th}}\) Workshop", "the 5ᵗʰ Workshop"),
            (r"{\(\Sigma\)}{\(\Delta\)} modulator", "ΣΔ modulator"),
            (r"$x_{i}$ and $e^{2}$", "xᵢ and e²"),
            (r"\(\frac{a}{b}\) stays", r"\(\frac{a}{b}\) stays"),
        ] {
            assert_eq!(decode(tex, Decode::Full), text, "{tex}");
        }
        assert_eq!(script('q', true), None);
        assert_eq!(script('b', false), None);
    }

    #[test]
    fn nasa_ads_markup_and_astronomers_math_read_as_text() {
        // Titles as ADS exports them (copied from a real BibDesk library).
        for (tex, text) in [
            (r"at 1 {\lt} z {\lt} 6", "at 1 < z < 6"),
            (r"z $\gt$ 0.5", "z > 0.5"),
            (r"on {\tilde}100 pc scales", "on ~100 pc scales"),
            (r"Redshift \~{}2 :", "Redshift ~2 :"),
            (r"Supernova{\mdash}Superluminous", "Supernova—Superluminous"),
            (r"{\ldquo}SN Refsdal{\rdquo}", "“SN Refsdal”"),
            (r"Type{\nbsp}Ia", "Type Ia"),
            (r"6 {\lap} z", "6 ≲ z"),
            (r"90 - 140 M$_{&sun;}$ Pair", "90 - 140 M☉ Pair"),
            (r"$M_\odot$ and L$_*$", "M☉ and L*"),
            (r"$\sim800$ Spectra", "∼800 Spectra"),
            (r"$2\,\mu$m", "2 μm"),
            (r#"{\AA}ngstr{\"o}m"#, "Ångström"),
            (r"D.~J. Whalen", "D. J. Whalen"),
        ] {
            assert_eq!(decode(tex, Decode::Full), text, "{tex}");
        }
        // Abstracts keep their TeX: ADS markup is for titles.
        assert_eq!(decode(r"1 {\lt} z", Decode::Accents), r"1 {\lt} z");
        // A lowered letter with no Unicode form keeps the math as written.
        assert_eq!(decode(r"$L_{q}$", Decode::Full), r"$L_{q}$");
    }

    #[test]
    fn decodes_accents_in_every_spelling() {
        let cases = [
            (r#"Te\v{s}anovi\'c"#, "Tešanović"),
            (r#"{\"u}ber M{\"{u}}ller"#, "über Müller"),
            (r#"Ga{\ss}ner \o{}rsted {\aa}"#, "Gaßner ørsted å"),
            (r#"Erd\H{o}s Fran\c{c}ois \c c"#, "Erdős François ç"),
            (r#"na\"{\i}ve"#, "naïve"),
            (
                r#"{LoRA}: Low-Rank {A}daptation"#,
                "LoRA: Low-Rank Adaptation",
            ),
            (r#"Q\&A at 100\% \#1"#, "Q&A at 100% #1"),
            (r#"$O(n^{2})$ with \emph{care}"#, "O(n²) with care"),
            (r#"$O(1)$ stays"#, "$O(1)$ stays"),
            (r#"{\r u}{\v R} \c{c} {\=a} \.{z}"#, "ůŘ ç ā ż"),
            (r#"{\'\i}ndice and \"{\i}"#, "índice and ï"),
            (
                r#"\textbf{Bold} {\sc Small Caps} \textsc{sc} {\em it}"#,
                "Bold Small Caps sc it",
            ),
            (
                r#"\mkbibquote{Intention} at \url{https://x.org/a_b}"#,
                "“Intention” at https://x.org/a_b",
            ),
            (
                r#"$\mu$-law, $\pm 3$, $10^{-3}$, H$_2$O, $\alpha\beta$"#,
                "μ-law, ±3, 10⁻³, H₂O, αβ",
            ),
            (
                r#"$\mathcal{O}(\log n)$ stays"#,
                r"$\mathcal{O}(\log n)$ stays",
            ),
            (
                r#"\href{https://x.org}{the site} and \unknown{kept}"#,
                r"the site and \unknown{kept}",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(decode(input, Decode::Full), want, "{input}");
        }
    }

    #[test]
    fn accent_mode_keeps_tex_escapes_and_braces() {
        assert_eq!(
            decode(
                r#"25-40\% of \url{https://x.org} by G\"odel"#,
                Decode::Accents
            ),
            r#"25-40\% of \url{https://x.org} by Gödel"#
        );
    }

    #[test]
    fn encoding_escapes_specials_outside_math_and_protects_case() {
        assert_eq!(
            encode("Q&A: 100% of #1 in $a \\& b$", false),
            "Q\\&A: 100\\% of \\#1 in $a \\& b$"
        );
        assert_eq!(encode("already 25\\% done", false), "already 25\\% done");
        assert_eq!(
            encode("LoRA: Low-Rank Adaptation of GPT-3 and BERT", true),
            "{LoRA}: Low-Rank Adaptation of {GPT-3} and {BERT}"
        );
        assert_eq!(encode("a } b {", false), "a \\} b \\{");
    }

    #[test]
    fn encode_then_decode_is_the_identity_on_titles() {
        for title in [
            "LoRA: Low-Rank Adaptation of Large Language Models",
            "Q&A over 100% of GPT-3's outputs",
            "Attention Is All You Need",
            "$O(1)$ inference for RWKV",
        ] {
            assert_eq!(decode(&encode(title, true), Decode::Full), title);
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for input in [
            "\\", "{", "}", "\\'", "\\v{", "{\\", "\\c", "$", "{\\\"}", "\\H{}", "é\\'", "{\\'{",
        ] {
            let _ = decode(input, Decode::Full);
            let _ = decode(input, Decode::Accents);
            let _ = encode(input, true);
        }
    }
}
