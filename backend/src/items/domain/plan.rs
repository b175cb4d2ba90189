//! When each reminder of an item is sent for its current occurrence, and what a new plan
//! keeps of the old one.
//!
//! An occurrence is due on a civil date, at its time of day or — for a date-only item —
//! at the user's reminder time, in the item's fixed zone or, for a floating item, the
//! user's current zone. A reminder fires once per occurrence: at its calendar offset
//! before the due moment, or at its instant. A user who chose a daily digest gets every
//! reminder at their reminder time, on the last digest at or before the moment it would
//! have fired (so a digest is never late for anything in it).
//!
//! Plans are recomputed whenever what they depend on changes (the item, its reminders,
//! the user's zone or settings). What a new plan keeps:
//! - a reminder already handed to delivery for this occurrence is not sent again;
//! - one still pending for this occurrence stays pending at its new instant, even if that
//!   is already past (it goes out at once: a change never silently drops a reminder);
//! - any other — a new reminder, a new occurrence — is pending only if its instant is
//!   still ahead: nobody wants six emails about the reminders an item created today
//!   would have sent over the last six months.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::moment::{before, instant};
use super::reminder::Reminder;

/// An occurrence placed in time.
#[derive(Debug, Clone, Copy)]
pub struct Occasion<'z> {
    pub due_on: Date,
    /// None: a date-only occurrence, due at the user's reminder time.
    pub due_time: Option<Time>,
    /// The item's fixed zone, or the user's for a floating item.
    pub zone: &'z TimeZone,
}

/// What the user chose for their reminders.
#[derive(Debug, Clone)]
pub struct Preferences {
    /// When date-only items are due (and digests sent).
    pub reminder_time: Time,
    pub digest: bool,
    /// The user's current zone: floating items' and digests'.
    pub user_zone: TimeZone,
}

impl Occasion<'_> {
    /// The moment the occurrence is due.
    pub fn due_moment(&self, preferences: &Preferences) -> Option<Timestamp> {
        instant(
            self.due_on,
            self.due_time.unwrap_or(preferences.reminder_time),
            self.zone,
        )
    }
}

/// When `reminder` fires for `occasion`, in milliseconds; None when the date arithmetic
/// leaves the calendar (a reminder months before the year -9999).
pub fn fire_at(reminder: Reminder, occasion: &Occasion<'_>, preferences: &Preferences) -> Option<i64> {
    let at = match reminder {
        Reminder::Offset { value, unit } => before(
            occasion.due_on,
            occasion.due_time.unwrap_or(preferences.reminder_time),
            occasion.zone,
            value,
            unit,
        )?,
        Reminder::At { at_ms } => Timestamp::from_millisecond(at_ms).ok()?,
    };
    let at = if preferences.digest {
        digest_at(at, preferences)?
    } else {
        at
    };
    Some(at.as_millisecond())
}

/// The last digest (the reminder time, in the user's zone) at or before `at`.
fn digest_at(at: Timestamp, preferences: &Preferences) -> Option<Timestamp> {
    let zone = &preferences.user_zone;
    let day = zone.to_datetime(at).date();
    let same_day = instant(day, preferences.reminder_time, zone)?;
    if same_day <= at {
        Some(same_day)
    } else {
        instant(day.yesterday().ok()?, preferences.reminder_time, zone)
    }
}

/// A reminder's delivery state for an item's occurrences (occurrences are named by
/// their due date: moving an occurrence makes it a new one to be reminded of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Planned {
    /// The occurrence `next_fire_at` was planned for.
    pub planned_for: Option<Date>,
    /// When to send; None: nothing to send for the occurrence.
    pub next_fire_at: Option<i64>,
    /// The occurrence it was last handed to delivery for.
    pub fired_for: Option<Date>,
}

impl Planned {
    /// The plan for the occurrence due on `due_on`, whose instant is `fire_at`, made at
    /// `now`; `remindable` is false for an item that is done, archived or in the trash.
    pub fn replan(self, due_on: Date, fire_at: Option<i64>, remindable: bool, now: i64) -> Self {
        let pending_for_this = self.next_fire_at.is_some() && self.planned_for == Some(due_on);
        let next_fire_at = match fire_at {
            _ if !remindable || self.fired_for == Some(due_on) => None,
            Some(at) if pending_for_this || at > now => Some(at),
            _ => None,
        };
        Self {
            planned_for: Some(due_on),
            next_fire_at,
            fired_for: self.fired_for,
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::super::choices::OffsetUnit;
    use super::super::moment::zone;
    use super::*;

    fn ms(raw: &str) -> i64 {
        raw.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn preferences(zone_name: &str, digest: bool) -> Preferences {
        Preferences {
            reminder_time: time(9, 0, 0, 0),
            digest,
            user_zone: zone(zone_name),
        }
    }

    #[test]
    fn a_date_only_item_is_reminded_at_the_users_time_in_its_zone() {
        let london = zone("Europe/London");
        let occasion = Occasion {
            due_on: date(2027, 5, 1),
            due_time: None,
            zone: &london,
        };
        let prefs = preferences("Europe/London", false);
        let six_months = Reminder::offset(6, OffsetUnit::Month);
        assert_eq!(fire_at(six_months, &occasion, &prefs), Some(ms("2026-11-01T09:00:00Z")));
        let on_the_day = Reminder::offset(0, OffsetUnit::Day);
        assert_eq!(fire_at(on_the_day, &occasion, &prefs), Some(ms("2027-05-01T08:00:00Z")));
        assert_eq!(
            occasion.due_moment(&prefs).map(|t| t.as_millisecond()),
            Some(ms("2027-05-01T08:00:00Z"))
        );
    }

    #[test]
    fn a_digest_gathers_reminders_at_the_last_reminder_time_before_them() {
        let london = zone("Europe/London");
        let prefs = preferences("Europe/London", true);
        let dentist = Occasion {
            due_on: date(2027, 1, 12),
            due_time: Some(time(8, 30, 0, 0)),
            zone: &london,
        };
        // An hour before 08:30 is 07:30: the digest of the day before.
        let hour = Reminder::offset(1, OffsetUnit::Hour);
        assert_eq!(fire_at(hour, &dentist, &prefs), Some(ms("2027-01-11T09:00:00Z")));
        // 15:00 the day before goes in that day's 09:00 digest.
        let day = Reminder::offset(1, OffsetUnit::Day);
        let afternoon = Occasion {
            due_time: Some(time(15, 0, 0, 0)),
            ..dentist
        };
        assert_eq!(fire_at(day, &afternoon, &prefs), Some(ms("2027-01-11T09:00:00Z")));
        // Exactly at the reminder time: that digest.
        let date_only = Occasion {
            due_time: None,
            ..dentist
        };
        assert_eq!(fire_at(day, &date_only, &prefs), Some(ms("2027-01-11T09:00:00Z")));
    }

    #[test]
    fn a_reminder_fires_once_per_occurrence() {
        let due = date(2027, 3, 1);
        let now = ms("2027-02-01T00:00:00Z");
        let later = ms("2027-02-22T09:00:00Z");
        let new = Planned::default().replan(due, Some(later), true, now);
        assert_eq!(new.next_fire_at, Some(later));
        let sent = Planned {
            next_fire_at: None,
            fired_for: Some(due),
            ..new
        };
        assert_eq!(sent.replan(due, Some(later), true, now).next_fire_at, None);
        // The next occurrence is reminded again.
        let next = date(2027, 4, 1);
        let april = ms("2027-03-25T09:00:00Z");
        assert_eq!(sent.replan(next, Some(april), true, now).next_fire_at, Some(april));
    }

    #[test]
    fn a_pending_reminder_moved_into_the_past_fires_at_once_and_a_new_one_in_the_past_never() {
        let due = date(2027, 3, 1);
        let now = ms("2027-02-22T12:00:00Z");
        let past = ms("2027-02-22T09:00:00Z");
        let pending = Planned {
            planned_for: Some(due),
            next_fire_at: Some(ms("2027-02-22T18:00:00Z")),
            fired_for: None,
        };
        assert_eq!(pending.replan(due, Some(past), true, now).next_fire_at, Some(past));
        assert_eq!(Planned::default().replan(due, Some(past), true, now).next_fire_at, None);
        // Pending for another occurrence is not pending for this one.
        let other = Planned {
            planned_for: Some(date(2027, 2, 1)),
            ..pending
        };
        assert_eq!(other.replan(due, Some(past), true, now).next_fire_at, None);
    }

    #[test]
    fn a_closed_item_is_never_reminded() {
        let due = date(2027, 3, 1);
        let plan = Planned::default().replan(due, Some(i64::MAX), false, 0);
        assert_eq!(plan.next_fire_at, None);
        assert_eq!(plan.planned_for, Some(due));
    }
}
