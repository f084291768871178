//! Calendar dates and review periods, without a date-time dependency.

use std::fmt;

/// A calendar date (proleptic Gregorian), written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let bad = || format!("`{s}` is not a date; write it as YYYY-MM-DD");
        if parts.len() != 3
            || parts[0].len() != 4
            || parts[1].len() != 2
            || parts[2].len() != 2
            || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let month: u8 = parts[1].parse().map_err(|_| bad())?;
        let day: u8 = parts[2].parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}`: month {month} does not exist"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("`{s}`: day {day} does not exist in that month"));
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        Date {
            year: (y + i64::from(m <= 2)) as i32,
            month: m,
            day: d,
        }
    }

    /// Today's date in UTC, from the system clock (I/O: call it at the edge only).
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    pub fn add_period(self, p: Period) -> Date {
        match p.unit {
            PeriodUnit::Day => Date::from_days(self.to_days() + i64::from(p.count)),
            PeriodUnit::Week => Date::from_days(self.to_days() + 7 * i64::from(p.count)),
            PeriodUnit::Month | PeriodUnit::Year => {
                let months = if p.unit == PeriodUnit::Year {
                    12 * i64::from(p.count)
                } else {
                    i64::from(p.count)
                };
                let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
                let year = (total.div_euclid(12)) as i32;
                let month = (total.rem_euclid(12) + 1) as u8;
                let day = self.day.min(days_in_month(year, month));
                Date { year, month, day }
            }
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    Day,
    Week,
    Month,
    Year,
}

/// A review period such as `90d`, `12w`, `6m` or `1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub count: u32,
    pub unit: PeriodUnit,
}

impl Period {
    pub fn parse(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let bad =
            || format!("`{s}` is not a period; write a number and a unit: 30d, 12w, 6m or 1y");
        let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        let count: u32 = num.parse().map_err(|_| bad())?;
        let unit = match unit {
            "d" => PeriodUnit::Day,
            "w" => PeriodUnit::Week,
            "m" => PeriodUnit::Month,
            "y" => PeriodUnit::Year,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(format!("`{s}`: a review period must be longer than zero"));
        }
        if count > 100_000 {
            return Err(format!(
                "`{s}`: a review period that long is not a review period"
            ));
        }
        Ok(Period { count, unit })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            PeriodUnit::Day => 'd',
            PeriodUnit::Week => 'w',
            PeriodUnit::Month => 'm',
            PeriodUnit::Year => 'y',
        };
        write!(f, "{}{u}", self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_validate() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(Date::from_days(d.to_days()), d);
        assert_eq!(Date::parse("1970-01-01").unwrap().to_days(), 0);
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2023-13-01").is_err());
        assert!(Date::parse("23-01-01").is_err());
        assert!(Date::parse("2023-1-01").is_err());
    }

    #[test]
    fn periods_add_calendar_units() {
        let d = Date::parse("2026-01-31").unwrap();
        assert_eq!(
            d.add_period(Period::parse("1m").unwrap()).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            d.add_period(Period::parse("90d").unwrap()).to_string(),
            "2026-05-01"
        );
        assert_eq!(
            d.add_period(Period::parse("1y").unwrap()).to_string(),
            "2027-01-31"
        );
        assert!(Period::parse("0d").is_err());
        assert!(Period::parse("3 months").is_err());
    }
}
