//! Parsers for values on the command line, shared by the argument modules
//! (which then depend on this one, never on each other).

use chrono::NaiveDate;

/// Parses `YYYY-MM-DD` (or `YYYYMMDD`).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y%m%d"))
        .map_err(|_| format!("'{text}' is not a date; use YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_two_spellings() {
        assert_eq!(
            parse_date("2023-01-31"),
            Ok(NaiveDate::from_ymd_opt(2023, 1, 31).expect("date"))
        );
        assert_eq!(parse_date("20230131"), parse_date("2023-01-31"));
        assert!(parse_date("2023-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}
