//! A user's open items as an iCalendar feed.
//!
//! Each item is one VEVENT: all day when it has no time; at a floating local time when
//! it floats with the user; at a time in its zone (with that zone's VTIMEZONE) when it
//! is fixed. A schedule repeat carries its RRULE from the current occurrence on (COUNT
//! less what is behind it); an occurrence moved on its own is an override of the series
//! (RECURRENCE-ID); a repeat counted from completion shows its current occurrence only,
//! since its next date depends on when it is done. Reminders become VALARMs: offsets
//! relative to the start (a month is counted as the days it spans for the current
//! occurrence: RFC 5545 durations have no months), instants as instants.

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime, Time};
use jiff::{Timestamp, ToSpan};

use super::ics::Ics;
use super::zones::vtimezone;
use crate::items::domain::{OffsetUnit, Preferences, RepeatFrom, Reminder};
use crate::items::store::items::Item;
use crate::items::store::reminders::StoredReminder;
use crate::platform::time::DAY_MS;

/// How far around now the VTIMEZONEs describe their zones' transitions.
const ZONE_YEARS_BEHIND: i64 = 1;
const ZONE_YEARS_AHEAD: i64 = 10;

/// The feed of `items` (open, out of the trash, each with its reminders).
pub fn feed(
    items: &[(Item, Vec<StoredReminder>)],
    preferences: &Preferences,
    app_url: &str,
    now_ms: i64,
) -> String {
    let now = Timestamp::from_millisecond(now_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut ics = Ics::default();
    ics.begin("VCALENDAR");
    ics.raw("VERSION", "2.0");
    ics.raw("PRODID", "-//Softly//Softly API//EN");
    ics.raw("CALSCALE", "GREGORIAN");
    ics.raw("METHOD", "PUBLISH");
    ics.text("X-WR-CALNAME", "Softly");
    ics.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
    ics.raw("X-PUBLISHED-TTL", "PT1H");
    let zones: BTreeSet<&str> = items
        .iter()
        .filter(|(item, _)| item.due_time.is_some() || item.series_time.is_some())
        .filter_map(|(item, _)| item.time_zone.as_deref())
        .collect();
    let years = |n: i64| jiff::SignedDuration::from_secs(n * 366 * DAY_MS / 1000);
    for zone in zones {
        vtimezone(
            &mut ics,
            zone,
            now - years(ZONE_YEARS_BEHIND),
            now + years(ZONE_YEARS_AHEAD),
        );
    }
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    for (item, reminders) in items.iter().filter(|(item, _)| item.remindable()) {
        let event = Event {
            item,
            reminders,
            preferences,
            app_url,
            stamp: &stamp,
            now_ms,
        };
        event.write(&mut ics);
    }
    ics.end("VCALENDAR");
    ics.finish()
}

struct Event<'a> {
    item: &'a Item,
    reminders: &'a [StoredReminder],
    preferences: &'a Preferences,
    app_url: &'a str,
    stamp: &'a str,
    now_ms: i64,
}

impl Event<'_> {
    fn write(&self, ics: &mut Ics) {
        let item = self.item;
        let series = item.recurrence.as_ref().filter(|_| item.repeat_from == RepeatFrom::Schedule);
        match series {
            Some(rule) => {
                self.vevent(ics, item.occurrence_on, item.series_time, |ics| {
                    ics.raw("RRULE", &rule.continued(item.series_start, item.occurrence_on).to_string());
                });
                if item.moved() {
                    let original = self.start(item.occurrence_on, item.series_time);
                    self.vevent(ics, item.due_on, item.due_time, |ics| {
                        ics.raw(&format!("RECURRENCE-ID{}", original.0), &original.1);
                    });
                }
            }
            None => self.vevent(ics, item.due_on, item.due_time, |_| {}),
        }
    }

    /// One VEVENT starting on `on` at `time`; `extra` adds its recurrence lines.
    fn vevent(&self, ics: &mut Ics, on: Date, time: Option<Time>, extra: impl FnOnce(&mut Ics)) {
        let item = self.item;
        ics.begin("VEVENT");
        ics.raw("UID", &format!("{}@mysoftly.app", item.id));
        ics.raw("DTSTAMP", self.stamp);
        let (params, value) = self.start(on, time);
        ics.raw(&format!("DTSTART{params}"), &value);
        if time.is_some() {
            ics.raw("DURATION", "PT1H");
        }
        extra(ics);
        ics.text("SUMMARY", &item.title);
        ics.text("DESCRIPTION", &self.description());
        ics.raw("URL", &format!("{}/item?id={}", self.app_url, item.id));
        ics.text("CATEGORIES", item.category.as_str());
        for reminder in self.reminders {
            self.alarm(ics, reminder, on, time);
        }
        ics.end("VEVENT");
    }

    /// DTSTART's parameters and value: a date, a floating time, or a time in a zone.
    fn start(&self, on: Date, time: Option<Time>) -> (String, String) {
        match (time, &self.item.time_zone) {
            (None, _) => (";VALUE=DATE".into(), on.strftime("%Y%m%d").to_string()),
            (Some(time), None) => (String::new(), local(on.to_datetime(time))),
            (Some(time), Some(zone)) => (format!(";TZID={zone}"), local(on.to_datetime(time))),
        }
    }

    fn description(&self) -> String {
        let item = self.item;
        let mut lines = Vec::new();
        if let Some(money) = item.money {
            match &item.payee {
                Some(payee) => lines.push(format!("{} to {payee}", money.display())),
                None => lines.push(money.display()),
            }
        }
        if let Some(expires) = item.expires_on {
            lines.push(format!("Expires on {expires}"));
        }
        if let Some(notes) = &item.notes {
            lines.push(notes.clone());
        }
        lines.push(format!("Open in Softly: {}/item?id={}", self.app_url, item.id));
        lines.join("\n")
    }

    /// A VALARM for `reminder` of the event starting on `on` at `time`; a snooze or an
    /// instant only while it is ahead, and only on the event it was set for.
    fn alarm(&self, ics: &mut Ics, stored: &StoredReminder, on: Date, time: Option<Time>) {
        let trigger = match stored.reminder {
            Reminder::Offset { value, unit } => {
                let start = on.to_datetime(time.unwrap_or(Time::midnight()));
                let due = on.to_datetime(time.unwrap_or(self.preferences.reminder_time));
                let Some(fires) = before_civil(due, value, unit) else {
                    return;
                };
                let Ok(span) = fires.since((jiff::Unit::Day, start)) else {
                    return;
                };
                format!("TRIGGER;RELATED=START:{}", duration(span))
            }
            Reminder::At { at_ms } => {
                if at_ms <= self.now_ms || (stored.snooze && on != self.item.due_on) {
                    return;
                }
                let at = Timestamp::from_millisecond(at_ms).unwrap_or(Timestamp::UNIX_EPOCH);
                format!("TRIGGER;VALUE=DATE-TIME:{}", at.strftime("%Y%m%dT%H%M%SZ"))
            }
        };
        ics.begin("VALARM");
        ics.raw("ACTION", "DISPLAY");
        ics.text("DESCRIPTION", &self.item.title);
        let (name, value) = trigger.split_once(':').expect("a trigger has a value");
        ics.raw(name, value);
        ics.end("VALARM");
    }
}

/// `value` `unit`s before `due`, on the calendar.
fn before_civil(due: DateTime, value: i64, unit: OffsetUnit) -> Option<DateTime> {
    let span = match unit {
        OffsetUnit::Minute => value.minutes(),
        OffsetUnit::Hour => value.hours(),
        OffsetUnit::Day => value.days(),
        OffsetUnit::Week => value.weeks(),
        OffsetUnit::Month => value.months(),
    };
    due.checked_sub(span).ok()
}

/// A civil date-time as iCalendar writes a local one.
fn local(at: DateTime) -> String {
    at.strftime("%Y%m%dT%H%M%S").to_string()
}

/// A span of days, hours and minutes as an RFC 5545 duration: `-P1D`, `PT9H`, `-P6DT15H`.
fn duration(span: jiff::Span) -> String {
    let sign = if span.is_negative() { "-" } else { "" };
    let span = span.abs();
    let (days, hours, minutes) = (span.get_days(), span.get_hours(), span.get_minutes());
    let mut out = format!("{sign}P");
    if days != 0 || (hours == 0 && minutes == 0) {
        out += &format!("{days}D");
    }
    if hours != 0 || minutes != 0 {
        out += "T";
        if hours != 0 {
            out += &format!("{hours}H");
        }
        if minutes != 0 {
            out += &format!("{minutes}M");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_as_rfc_5545_says() {
        assert_eq!(duration((-1).days()), "-P1D");
        assert_eq!(duration(9.hours()), "PT9H");
        assert_eq!(duration((-6).days().hours(-15)), "-P6DT15H");
        assert_eq!(duration(0.days()), "P0D");
        assert_eq!(duration((-90).minutes()), "-PT90M");
    }
}
