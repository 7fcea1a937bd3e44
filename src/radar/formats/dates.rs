//! The month of a date as radar tools write them: `2023.10` (Zalando),
//! `2022-02-06`, `2024-01-01T00:00:00.000Z` and `2025-09-09 16:32:13`
//! (Backstage), `2017-03-01` (AOE release folders), `February 2023`.

use crate::radar::check_edition_name;

/// `YYYY-MM` of a date, or why not.
pub fn month_of(text: &str) -> Result<String, String> {
    let t = text.trim();
    let bad = || format!("'{text}' is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY.MM)");
    // Year and month lead every numeric form; whatever follows the day
    // (a time, a zone) does not change the month.
    let numeric: String = t.chars().take(10).collect();
    let mut parts = numeric.split(['-', '.', '/']);
    if let (Some(y), Some(m)) = (parts.next(), parts.next()) {
        let m: String = m.chars().take_while(char::is_ascii_digit).collect();
        if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) && !m.is_empty() && m.len() <= 2 {
            if let Some(day) = parts.next() {
                let day: String = day.chars().take_while(char::is_ascii_digit).collect();
                let date = format!("{y}-{m:0>2}-{day:0>2}");
                chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| bad())?;
            }
            return check_edition_name(&format!("{y}-{m:0>2}")).map_err(|_| bad());
        }
    }
    chrono::NaiveDate::parse_from_str(&format!("1 {t}"), "%d %B %Y")
        .map(|d| d.format("%Y-%m").to_string())
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::month_of;

    #[test]
    fn every_form_the_tools_write_gives_its_month() {
        for (text, month) in [
            ("2023.10", "2023-10"),
            ("2026-05", "2026-05"),
            ("2022-02-06", "2022-02"),
            ("2024-01-01T00:00:00.000Z", "2024-01"),
            ("2025-09-09 16:32:13", "2025-09"),
            ("2017-3-1", "2017-03"),
            ("February 2023", "2023-02"),
        ] {
            assert_eq!(month_of(text).as_deref(), Ok(month), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_the_text() {
        for text in [
            "",
            "2023",
            "2023.13",
            "2023-02-30",
            "soon",
            "20x3-01",
            "2023-١٠",
        ] {
            let err = month_of(text).expect_err(text);
            assert!(err.contains(&format!("'{text}'")), "{err}");
        }
    }
}
