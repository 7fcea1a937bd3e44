//! arXiv identifiers: parsing every form people paste (bare ids, versions,
//! `arXiv:` prefixes, abs/pdf URLs, old-style archive ids) into a base id and
//! an optional version, and rejecting anything arXiv would not know.

use std::fmt;

/// Archives that existed in the old (pre-2007) identifier scheme.
const OLD_ARCHIVES: &[&str] = &[
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
    "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
    "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
    "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "q-fin", "quant-ph", "solv-int", "stat",
    "supr-con",
];

/// A parsed arXiv identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArxivId {
    base: String,
    version: Option<u32>,
}

/// Why a string is not an arXiv identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{input}' is not an arXiv id: {reason} (expected e.g. 2106.09685, 2106.09685v2, arXiv:2106.09685, hep-th/9901001 or an arxiv.org abs/pdf URL)"
)]
pub struct IdError {
    /// The text as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ArxivId {
    /// Parses any of the accepted forms.
    pub fn parse(input: &str) -> Result<ArxivId, IdError> {
        let fail = |reason: &str| IdError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(fail("it is empty"));
        }
        let core =
            strip_url(text).ok_or_else(|| fail("the URL is not an arXiv abs or pdf page"))?;
        let core = strip_prefix_ignore_case(core, "arxiv:").unwrap_or(core);
        let (base, version) = split_version(core).map_err(|r| fail(&r))?;
        let base = if base.contains('/') {
            parse_old_style(base).map_err(|r| fail(&r))?
        } else {
            parse_new_style(base).map_err(|r| fail(&r))?
        };
        Ok(ArxivId { base, version })
    }

    /// The id without version (`2106.09685`, `hep-th/9901001`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The version given, if any.
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// The same id without its version.
    pub fn without_version(&self) -> ArxivId {
        ArxivId {
            base: self.base.clone(),
            version: None,
        }
    }

    /// True for pre-2007 ids of the form `archive/YYMMNNN`.
    pub fn is_old_style(&self) -> bool {
        self.base.contains('/')
    }

    /// The month of submission encoded in the id (`YYYY-MM`), when the
    /// month digits are a month.
    pub fn month(&self) -> Option<String> {
        let digits = match self.base.split_once('/') {
            Some((_, number)) => number,
            None => self.base.as_str(),
        };
        let mm: u32 = digits.get(2..4).and_then(|s| s.parse().ok())?;
        (1..=12)
            .contains(&mm)
            .then(|| format!("{}-{mm:02}", self.year()))
    }

    /// The year of submission encoded in the id.
    pub fn year(&self) -> i32 {
        let digits = match self.base.split_once('/') {
            Some((_, number)) => number,
            None => self.base.as_str(),
        };
        let yy: i32 = digits.get(..2).and_then(|s| s.parse().ok()).unwrap_or(0);
        if self.is_old_style() && yy >= 91 {
            1900 + yy
        } else {
            2000 + yy
        }
    }
}

impl fmt::Display for ArxivId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Some(v) => write!(f, "{}v{}", self.base, v),
            None => f.write_str(&self.base),
        }
    }
}

impl std::str::FromStr for ArxivId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ArxivId::parse(s)
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Returns the id part of an arxiv.org URL, the input itself when it is not
/// a URL, and `None` for a URL that does not point at a paper.
fn strip_url(text: &str) -> Option<&str> {
    let rest = strip_prefix_ignore_case(text, "https://")
        .or_else(|| strip_prefix_ignore_case(text, "http://"))
        .unwrap_or(text);
    let (host, path) = match rest.split_once('/') {
        Some((host, path)) => (host, path),
        None => return (rest.len() == text.len()).then_some(text),
    };
    let host = host.to_ascii_lowercase();
    let is_arxiv_host = host == "arxiv.org" || host.ends_with(".arxiv.org");
    if !is_arxiv_host {
        // Not a URL at all (old-style ids contain a slash too).
        return (rest.len() == text.len()).then_some(text);
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    let (kind, id) = path.split_once('/')?;
    match kind {
        "abs" | "html" | "format" => Some(id),
        "pdf" => Some(id.strip_suffix(".pdf").unwrap_or(id)),
        _ => None,
    }
}

fn split_version(text: &str) -> Result<(&str, Option<u32>), String> {
    let without_digits = text.trim_end_matches(|c: char| c.is_ascii_digit());
    let Some(base) = without_digits.strip_suffix('v') else {
        return Ok((text, None));
    };
    if without_digits.len() == text.len() {
        return Ok((text, None));
    }
    let digits = &text[without_digits.len()..];
    match digits.parse::<u32>() {
        Ok(0) | Err(_) => Err(format!(
            "'v{digits}' is not a version (versions start at v1)"
        )),
        Ok(v) => Ok((base, Some(v))),
    }
}

fn parse_yymm(yy: &str, mm: &str) -> Result<(u32, u32), String> {
    let y = yy
        .parse::<u32>()
        .map_err(|_| "the year is not a number".to_string())?;
    let m = mm
        .parse::<u32>()
        .map_err(|_| "the month is not a number".to_string())?;
    if !(1..=12).contains(&m) {
        return Err(format!("month {mm} does not exist"));
    }
    Ok((y, m))
}

fn parse_new_style(text: &str) -> Result<String, String> {
    let (yymm, number) = text
        .split_once('.')
        .ok_or_else(|| "expected YYMM.NNNNN".to_string())?;
    if yymm.len() != 4 || !yymm.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected four digits (YYMM) before the dot".into());
    }
    if !number.bytes().all(|b| b.is_ascii_digit()) || number.is_empty() {
        return Err("expected digits after the dot".into());
    }
    let (yy, _) = parse_yymm(&yymm[..2], &yymm[2..])?;
    let yymm_n: u32 = yymm.parse().map_err(|_| "bad YYMM".to_string())?;
    if yy < 7 || yymm_n < 704 {
        return Err("new-style ids start in April 2007 (0704)".into());
    }
    let want = if yymm_n < 1501 { 4 } else { 5 };
    if number.len() != want {
        return Err(format!(
            "ids from {yymm} have a {want}-digit number after the dot"
        ));
    }
    Ok(format!("{yymm}.{number}"))
}

fn parse_old_style(text: &str) -> Result<String, String> {
    let (archive, number) = text
        .split_once('/')
        .ok_or_else(|| "expected archive/YYMMNNN".to_string())?;
    // "math.GT/0309136" names a subject class; the id is "math/0309136".
    let archive = archive.split_once('.').map_or(archive, |(a, _)| a);
    let archive = archive.to_ascii_lowercase();
    if !OLD_ARCHIVES.contains(&archive.as_str()) {
        return Err(format!("'{archive}' is not an arXiv archive"));
    }
    if number.len() != 7 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected seven digits (YYMMNNN) after the archive".into());
    }
    let (yy, _) = parse_yymm(&number[..2], &number[2..4])?;
    if !(yy >= 91 || yy <= 7) {
        return Err("old-style ids run from 1991 to 2007".into());
    }
    Ok(format!("{archive}/{number}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_says_the_month_of_submission() {
        let month = |id: &str| ArxivId::parse(id).expect("id").month();
        assert_eq!(month("2106.09685").as_deref(), Some("2021-06"));
        assert_eq!(month("2512.01234v2").as_deref(), Some("2025-12"));
        assert_eq!(month("hep-th/9901001").as_deref(), Some("1999-01"));
        assert_eq!(month("math/0611001").as_deref(), Some("2006-11"));
    }

    #[test]
    fn accepts_every_common_form() {
        let cases: &[(&str, &str, Option<u32>)] = &[
            ("2106.09685", "2106.09685", None),
            ("2106.09685v2", "2106.09685", Some(2)),
            ("arXiv:2106.09685", "2106.09685", None),
            ("arxiv:2106.09685v12", "2106.09685", Some(12)),
            (" 2106.09685 ", "2106.09685", None),
            ("https://arxiv.org/abs/2106.09685", "2106.09685", None),
            ("http://arxiv.org/abs/2106.09685v2", "2106.09685", Some(2)),
            (
                "https://arxiv.org/pdf/2106.09685v2.pdf",
                "2106.09685",
                Some(2),
            ),
            ("https://arxiv.org/pdf/2106.09685", "2106.09685", None),
            ("arxiv.org/abs/2106.09685?context=cs", "2106.09685", None),
            (
                "https://export.arxiv.org/abs/2106.09685/",
                "2106.09685",
                None,
            ),
            ("https://arxiv.org/html/2106.09685v1", "2106.09685", Some(1)),
            ("hep-th/9901001", "hep-th/9901001", None),
            ("hep-th/9901001v3", "hep-th/9901001", Some(3)),
            ("math.GT/0309136", "math/0309136", None),
            (
                "http://arxiv.org/abs/astro-ph/0601001v1",
                "astro-ph/0601001",
                Some(1),
            ),
            ("quant-ph/0201082v1", "quant-ph/0201082", Some(1)),
            ("0704.0001", "0704.0001", None),
            ("1412.6980v9", "1412.6980", Some(9)),
            ("1501.00001", "1501.00001", None),
        ];
        for (input, base, version) in cases {
            let id = ArxivId::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.base(), *base, "{input}");
            assert_eq!(id.version(), *version, "{input}");
        }
    }

    #[test]
    fn rejects_what_arxiv_would_not_know() {
        let cases = [
            "",
            "abc",
            "0000.0000",
            "0808.05394",
            "2106.0968",
            "1412.69801",
            "2113.09685",
            "2106.09685v0",
            "2106.09685vx",
            "2106-09685",
            "0612.0001",
            "foo/9901001",
            "hep-th/990100",
            "hep-th/0901001",
            "https://example.org/abs/2106.09685",
            "https://arxiv.org/list/cs.CL/new",
            "1234.12345",
        ];
        for input in cases {
            let err = ArxivId::parse(input).expect_err(input);
            assert!(err.to_string().contains("is not an arXiv id"), "{err}");
        }
    }

    #[test]
    fn years_come_from_the_id() {
        let year = |s: &str| ArxivId::parse(s).expect("valid").year();
        assert_eq!(year("1706.03762"), 2017);
        assert_eq!(year("hep-th/9901001"), 1999);
        assert_eq!(year("astro-ph/0601001"), 2006);
    }

    #[test]
    fn display_keeps_the_version() {
        let id = ArxivId::parse("arXiv:2106.09685v2").expect("valid");
        assert_eq!(id.to_string(), "2106.09685v2");
        assert_eq!(id.without_version().to_string(), "2106.09685");
    }
}
