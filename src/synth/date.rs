//! Calendar dates as day numbers, and the few strftime codes the SNDS schemas use (both ways:
//! the generator writes them, the checker reads them).
//!
//! Dates are kept as days since 1970-01-01 so that "a few days later" is an addition and
//! ordering checks (birth < care < death) are integer comparisons.

/// Days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

#[allow(missing_docs)]
impl Date {
    /// Reads `s` written with a strftime `pattern` (`%Y %m %d %b %H %M %S`, literals); `None`
    /// when it does not match. Missing day or month parts default to 1.
    pub fn parse(pattern: &str, s: &str) -> Option<Date> {
        let (mut y, mut m, mut d) = (None, 1i64, 1i64);
        let b = s.as_bytes();
        let mut i = 0usize;
        let mut chars = pattern.chars();
        let num = |i: &mut usize, n: usize| -> Option<i64> {
            let part = b.get(*i..*i + n)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            *i += n;
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        while let Some(c) = chars.next() {
            if c != '%' {
                if b.get(i) != Some(&(c as u8)) {
                    return None;
                }
                i += 1;
                continue;
            }
            match chars.next()? {
                'Y' => y = Some(num(&mut i, 4)?),
                'm' => m = num(&mut i, 2)?,
                'd' => d = num(&mut i, 2)?,
                'H' | 'M' | 'S' => {
                    num(&mut i, 2)?;
                }
                'b' => {
                    let part = s.get(i..i + 3)?;
                    m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(part))? as i64 + 1;
                    i += 3;
                }
                _ => return None,
            }
        }
        let y = y?;
        if i != b.len() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        Some(Date::ymd(y, m, d))
    }

    /// Reads a date cell whatever its writing: ISO `YYYY-MM-DD[...]`, `YYYYMMDD`, `DD/MM/YYYY`,
    /// `YYYYMM`, `YYYY`.
    pub fn parse_any(s: &str) -> Option<Date> {
        let s = s.trim();
        if s.len() >= 10 && s.as_bytes()[4] == b'-' {
            return Date::parse("%Y-%m-%d", &s[..10]);
        }
        if s.len() >= 10 && s.as_bytes()[2] == b'/' {
            return Date::parse("%d/%m/%Y", &s[..10]);
        }
        match s.len() {
            8 => Date::parse("%Y%m%d", s),
            6 => Date::parse("%Y%m", s),
            4 => Date::parse("%Y", s),
            _ => None,
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[allow(missing_docs)]
impl Date {
    /// Days from civil (H. Hinnant's algorithm), valid for the proleptic Gregorian calendar.
    pub fn ymd(y: i64, m: i64, d: i64) -> Date {
        let y = if m <= 2 { y - 1 } else { y };
        let era = (if y >= 0 { y } else { y - 399 }) / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    /// Civil from days: (year, month 1-12, day 1-31).
    pub fn parts(self) -> (i64, i64, i64) {
        let z = self.0 + 719_468;
        let era = (if z >= 0 { z } else { z - 146_096 }) / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        (y, m, d)
    }

    pub fn year(self) -> i64 {
        self.parts().0
    }

    pub fn add(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    /// The first day of the month after this date.
    pub fn next_month_start(self) -> Date {
        let (y, m, _) = self.parts();
        if m == 12 {
            Date::ymd(y + 1, 1, 1)
        } else {
            Date::ymd(y, m + 1, 1)
        }
    }

    /// Whole years from `birth` to `self`.
    pub fn years_since(self, birth: Date) -> i64 {
        let (y1, m1, d1) = birth.parts();
        let (y2, m2, d2) = self.parts();
        y2 - y1 - if (m2, d2) < (m1, d1) { 1 } else { 0 }
    }

    /// Whole months from `birth` to `self`.
    pub fn months_since(self, birth: Date) -> i64 {
        let (y1, m1, d1) = birth.parts();
        let (y2, m2, d2) = self.parts();
        (y2 - y1) * 12 + (m2 - m1) - if d2 < d1 { 1 } else { 0 }
    }

    /// Formats with a strftime pattern: %Y %m %d %b %H %M %S and literal characters.
    /// `secs` is the time of day, for datetime fields.
    pub fn format(self, pattern: &str, secs: i64) -> String {
        let (y, m, d) = self.parts();
        let mut out = String::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('Y') => out.push_str(&format!("{y:04}")),
                Some('m') => out.push_str(&format!("{m:02}")),
                Some('d') => out.push_str(&format!("{d:02}")),
                Some('b') => out.push_str(MONTHS[(m - 1) as usize]),
                Some('H') => out.push_str(&format!("{:02}", secs / 3600)),
                Some('M') => out.push_str(&format!("{:02}", secs / 60 % 60)),
                Some('S') => out.push_str(&format!("{:02}", secs % 60)),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for days in [-800_000, -1, 0, 1, 18_000, 19_723, 60_000] {
            let (y, m, d) = Date(days).parts();
            assert_eq!(Date::ymd(y, m, d), Date(days));
        }
        assert_eq!(Date::ymd(1970, 1, 1), Date(0));
        assert_eq!(Date::ymd(2024, 2, 29).add(1).parts(), (2024, 3, 1));
    }

    #[test]
    fn formats() {
        let d = Date::ymd(2021, 3, 5);
        assert_eq!(d.format("%Y-%m-%d", 0), "2021-03-05");
        assert_eq!(d.format("%d%m%Y", 0), "05032021");
        assert_eq!(
            d.format("%d%b%Y:%H:%M:%S", 8 * 3600 + 5 * 60 + 9),
            "05Mar2021:08:05:09"
        );
        assert_eq!(d.next_month_start().parts(), (2021, 4, 1));
        assert_eq!(Date::ymd(2021, 3, 4).years_since(Date::ymd(1950, 3, 5)), 70);
        assert_eq!(
            Date::ymd(2021, 3, 5).months_since(Date::ymd(2020, 1, 6)),
            13
        );
    }
}
