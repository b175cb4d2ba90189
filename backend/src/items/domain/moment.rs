//! Where an item's dates land in time: a civil date (and time of day) in a zone becomes
//! an instant, and a reminder's calendar offset before it another.
//!
//! Local times that do not exist or exist twice resolve as RFC 5545 and jiff's
//! "compatible" rule say: a time in a spring-forward gap moves forward by the gap's
//! length (02:30 on the night clocks go from 02:00 to 03:00 is 03:30), a time in an
//! autumn fall-back hour takes its first occurrence. Days, weeks and months are counted
//! on the calendar ("6 months before" is the same date six months earlier, at the same
//! local time, however many hours that is); minutes and hours are exact.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::choices::OffsetUnit;

/// The instant of `date` at `time` in `zone`.
pub fn instant(date: Date, time: Time, zone: &TimeZone) -> Option<Timestamp> {
    resolve(date.to_datetime(time), zone)
}

/// The instant `value` `unit`s before `date` at `time` in `zone`.
pub fn before(date: Date, time: Time, zone: &TimeZone, value: i64, unit: OffsetUnit) -> Option<Timestamp> {
    let span = match unit {
        OffsetUnit::Minute => Span::new().try_minutes(value),
        OffsetUnit::Hour => Span::new().try_hours(value),
        OffsetUnit::Day => Span::new().try_days(value),
        OffsetUnit::Week => Span::new().try_weeks(value),
        OffsetUnit::Month => Span::new().try_months(value),
    }
    .ok()?;
    match unit {
        OffsetUnit::Minute | OffsetUnit::Hour => instant(date, time, zone)?.checked_sub(span).ok(),
        _ => resolve(date.to_datetime(time).checked_sub(span).ok()?, zone),
    }
}

/// A local date and time as an instant: a gap moves forward, a fold takes the first.
fn resolve(local: DateTime, zone: &TimeZone) -> Option<Timestamp> {
    zone.to_ambiguous_timestamp(local).compatible().ok()
}

/// Today's date in `zone` at `now_ms`.
pub fn today(now_ms: i64, zone: &TimeZone) -> Date {
    zone.to_datetime(Timestamp::from_millisecond(now_ms).unwrap_or(Timestamp::UNIX_EPOCH))
        .date()
}

/// A zone by IANA name; UTC for a name the database no longer knows (stored values
/// were checked on the way in).
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;

    fn at(raw: &str) -> Timestamp {
        raw.parse().unwrap()
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_forward_and_the_autumn_hour_takes_the_first() {
        let london = zone("Europe/London");
        // 2027-03-28: 01:00 GMT becomes 02:00 BST; 01:30 does not exist.
        assert_eq!(
            instant(date(2027, 3, 28), time(1, 30, 0, 0), &london),
            Some(at("2027-03-28T01:30:00Z"))
        );
        // 2027-10-31: 01:30 happens twice; the first is still BST.
        assert_eq!(
            instant(date(2027, 10, 31), time(1, 30, 0, 0), &london),
            Some(at("2027-10-31T00:30:00Z"))
        );
        let new_york = zone("America/New_York");
        // 2027-03-14 02:30 does not exist: 03:30 EDT.
        assert_eq!(
            instant(date(2027, 3, 14), time(2, 30, 0, 0), &new_york),
            Some(at("2027-03-14T07:30:00Z"))
        );
        // 2027-11-07 01:30 twice: the first is EDT.
        assert_eq!(
            instant(date(2027, 11, 7), time(1, 30, 0, 0), &new_york),
            Some(at("2027-11-07T05:30:00Z"))
        );
    }

    #[test]
    fn calendar_offsets_keep_the_local_time_across_a_change_and_hours_do_not() {
        let london = zone("Europe/London");
        let nine = time(9, 0, 0, 0);
        // The clocks go forward at 01:00 on 28 March. A day before 09:00 BST that day is
        // 09:00 GMT on the 27th; 24 hours before it is 08:00 GMT.
        assert_eq!(
            before(date(2027, 3, 28), nine, &london, 1, OffsetUnit::Day),
            Some(at("2027-03-27T09:00:00Z"))
        );
        assert_eq!(
            before(date(2027, 3, 28), nine, &london, 24, OffsetUnit::Hour),
            Some(at("2027-03-27T08:00:00Z"))
        );
        // A week before 09:00 BST on 2 April is 09:00 GMT on 26 March.
        assert_eq!(
            before(date(2027, 4, 2), nine, &london, 1, OffsetUnit::Week),
            Some(at("2027-03-26T09:00:00Z"))
        );
        // Six months before 1 May 09:00 BST: 1 November 09:00 GMT.
        assert_eq!(
            before(date(2027, 5, 1), nine, &london, 6, OffsetUnit::Month),
            Some(at("2026-11-01T09:00:00Z"))
        );
        // A month before 31 March is the last day of February.
        assert_eq!(
            before(date(2027, 3, 31), nine, &london, 1, OffsetUnit::Month),
            Some(at("2027-02-28T09:00:00Z"))
        );
    }

    #[test]
    fn today_depends_on_the_zone() {
        let now = at("2027-01-01T20:00:00Z").as_millisecond();
        assert_eq!(today(now, &zone("Europe/London")), date(2027, 1, 1));
        assert_eq!(today(now, &zone("Asia/Tokyo")), date(2027, 1, 2));
        assert_eq!(zone("Asia/Tokyo").iana_name(), Some("Asia/Tokyo"));
        assert_eq!(zone("Mars/Olympus"), TimeZone::UTC);
    }
}
