//! Citation keys in the Google Scholar shape (`vaswani2017attention`),
//! assigned once when a paper enters the library so that a LaTeX document
//! citing it keeps working across exports.

use crate::paper::Paper;

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "from", "by", "at",
    "is", "are", "do", "does", "towards", "toward", "what", "how", "why", "when", "can", "into",
    "as", "its",
];

const NAME_SUFFIXES: &[&str] = &["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"];

/// The key a paper would get if nothing else had it: last name of the first
/// author, year, first significant title word, all lowercase ASCII.
pub fn base_key(paper: &Paper) -> String {
    let author = paper
        .authors
        .first()
        .map(|a| last_name(&a.name))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "anon".to_string());
    let year = paper
        .year()
        .map_or_else(|| "nd".to_string(), |y| y.to_string());
    let word = fold_ascii(&paper.title)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .unwrap_or("")
        .to_string();
    format!("{author}{year}{word}")
}

/// The `n`-th alternative when the base key is taken: `a`, `b`, ..., `z`,
/// `aa`, `ab`, ...
pub fn suffixed(base: &str, n: usize) -> String {
    let mut suffix = String::new();
    let mut k = n;
    loop {
        suffix.insert(0, (b'a' + (k % 26) as u8) as char);
        if k < 26 {
            break;
        }
        k = k / 26 - 1;
    }
    format!("{base}{suffix}")
}

fn last_name(name: &str) -> String {
    let family = match name.split_once(',') {
        // "Vaswani, Ashish"
        Some((last, _)) => last.to_string(),
        None => {
            let words: Vec<&str> = name.split_whitespace().collect();
            let kept: Vec<&str> = match words.split_last() {
                Some((last, rest)) if NAME_SUFFIXES.contains(&last.to_lowercase().as_str()) => {
                    rest.to_vec()
                }
                _ => words,
            };
            kept.last().copied().unwrap_or("").to_string()
        }
    };
    fold_ascii(&family)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Lowercases and maps common accented Latin letters to ASCII; drops the rest.
pub fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let mapped = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'č' | 'ĉ' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
            'ğ' | 'ĝ' | 'ģ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'į' => "i",
            'ķ' => "k",
            'ł' | 'ľ' | 'ļ' | 'ĺ' => "l",
            'ñ' | 'ń' | 'ň' | 'ņ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
            'œ' => "oe",
            'ř' | 'ŕ' => "r",
            'ś' | 'š' | 'ş' | 'ș' => "s",
            'ß' => "ss",
            'ť' | 'ţ' | 'ț' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            'þ' => "th",
            _ => " ",
        };
        out.push_str(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::Author;

    fn paper(author: &str, id: &str, title: &str) -> Paper {
        Paper {
            id: id.into(),
            version: Some(1),
            title: title.into(),
            authors: vec![Author::named(author)],
            ..Paper::default()
        }
    }

    #[test]
    fn scholar_style_keys() {
        let cases = [
            (
                "Ashish Vaswani",
                "1706.03762",
                "Attention Is All You Need",
                "vaswani2017attention",
            ),
            (
                "Edward J. Hu",
                "2106.09685",
                "LoRA: Low-Rank Adaptation of Large Language Models",
                "hu2021lora",
            ),
            (
                "Diego de Las Casas",
                "2203.15556",
                "Training Compute-Optimal Large Language Models",
                "casas2022training",
            ),
            (
                "Kingma, Diederik P.",
                "1412.6980",
                "Adam: A Method for Stochastic Optimization",
                "kingma2014adam",
            ),
            (
                "Zlatko Tešanović",
                "1111.2011",
                "On the Quantum Criticality",
                "tesanovic2011quantum",
            ),
            (
                "Martin Luther King Jr.",
                "2101.00001",
                "The Dream",
                "king2021dream",
            ),
            ("", "2101.00001", "", "anon2021"),
        ];
        for (author, id, title, want) in cases {
            assert_eq!(base_key(&paper(author, id, title)), want);
        }
    }

    #[test]
    fn suffixes_run_a_to_z_then_aa() {
        assert_eq!(suffixed("k", 0), "ka");
        assert_eq!(suffixed("k", 25), "kz");
        assert_eq!(suffixed("k", 26), "kaa");
        assert_eq!(suffixed("k", 27), "kab");
    }
}
