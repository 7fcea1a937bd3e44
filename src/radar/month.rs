//! Months, the radar's editions: `YYYY-MM`, checked on the way in, with
//! the arithmetic done by chrono rather than by hand.

use chrono::{Datelike, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar month (an edition's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(NaiveDate);

/// Why a text is not a month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an edition name; editions are months, like 2026-11")]
pub struct BadMonth(pub String);

impl Month {
    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month(day.with_day(1).unwrap_or(day))
    }

    /// This month, local time.
    pub fn current() -> Month {
        Month::of(chrono::Local::now().date_naive())
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    /// The month after.
    pub fn next(self) -> Month {
        Month(self.0.checked_add_months(Months::new(1)).unwrap_or(self.0))
    }

    /// `n` months earlier.
    pub fn minus(self, n: u32) -> Month {
        Month(self.0.checked_sub_months(Months::new(n)).unwrap_or(self.0))
    }

    /// The `n` months ending with this one, oldest first (at least one).
    pub fn window(self, n: usize) -> Vec<Month> {
        let n = n.max(1) as u32;
        (0..n).rev().map(|back| self.minus(back)).collect()
    }
}

impl FromStr for Month {
    type Err = BadMonth;

    /// `YYYY-MM`, a year from 1990 to 2999 (the radar's range).
    fn from_str(text: &str) -> Result<Month, BadMonth> {
        let t = text.trim();
        let bad = || BadMonth(text.to_string());
        if t.len() != 7 || t.as_bytes()[4] != b'-' || !t.is_char_boundary(4) {
            return Err(bad());
        }
        let year: i32 = t[..4].parse().map_err(|_| bad())?;
        let month: u32 = t[5..].parse().map_err(|_| bad())?;
        if !(1990..=2999).contains(&year) || t[..4].starts_with('+') || t[5..].starts_with('+') {
            return Err(bad());
        }
        NaiveDate::from_ymd_opt(year, month, 1)
            .map(Month)
            .ok_or_else(bad)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Month {
        text.parse().expect("month")
    }

    #[test]
    fn months_parse_print_and_step_across_years() {
        assert_eq!(m("2026-11").to_string(), "2026-11");
        assert_eq!(m(" 2026-12 ").next().to_string(), "2027-01");
        assert_eq!(m("2027-01").minus(2).to_string(), "2026-11");
        let w: Vec<String> = m("2027-02")
            .window(4)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(w, ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(m("2026-11").window(0).len(), 1);
        assert!(m("2026-11") < m("2027-01"));
        assert_eq!(
            Month::of(NaiveDate::from_ymd_opt(2026, 2, 28).expect("day")),
            m("2026-02")
        );
    }

    #[test]
    fn bad_months_are_refused_with_the_text() {
        for text in [
            "",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "1989-12",
            "2026/11",
            "+026-11",
            "2026-+1",
            "２０２６-11",
        ] {
            let err = text.parse::<Month>().expect_err(text);
            assert!(err.to_string().contains(&format!("'{text}'")), "{err}");
        }
    }
}
