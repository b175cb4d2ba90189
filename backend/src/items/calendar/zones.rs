//! VTIMEZONE components: RFC 5545 wants every TZID a calendar uses defined in it. Each is
//! written from the bundled tz database as the zone's actual transitions over the years
//! the feed covers (clients that know IANA names use their own data beyond them).

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use super::ics::Ics;

/// Writes the VTIMEZONE of `name`, its transitions between `from` and `to`.
pub fn vtimezone(ics: &mut Ics, name: &str, from: Timestamp, to: Timestamp) {
    let zone = TimeZone::get(name).unwrap_or(TimeZone::UTC);
    ics.begin("VTIMEZONE");
    ics.raw("TZID", name);
    let first = zone.to_offset_info(from);
    // What holds when the covered years begin.
    observance(
        ics,
        first.dst().is_dst(),
        from,
        first.offset(),
        first.offset(),
        first.abbreviation(),
    );
    for transition in zone.following(from).take_while(|t| t.timestamp() < to) {
        let before = zone.to_offset(transition.timestamp() - jiff::SignedDuration::from_secs(1));
        observance(
            ics,
            transition.dst().is_dst(),
            transition.timestamp(),
            before,
            transition.offset(),
            transition.abbreviation(),
        );
    }
    ics.end("VTIMEZONE");
}

/// One STANDARD or DAYLIGHT sub-component: from `at` (written in the local time it
/// replaces, as RFC 5545 says) the offset changes from `from` to `to`.
fn observance(ics: &mut Ics, dst: bool, at: Timestamp, from: Offset, to: Offset, name: &str) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    ics.begin(kind);
    let local = from.to_datetime(at);
    ics.raw("DTSTART", &local.strftime("%Y%m%dT%H%M%S").to_string());
    ics.raw("TZOFFSETFROM", &offset(from));
    ics.raw("TZOFFSETTO", &offset(to));
    if !name.is_empty() {
        ics.text("TZNAME", name);
    }
    ics.end(kind);
}

/// `+HHMM`, or `+HHMMSS` for an offset with seconds.
fn offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_has_its_summer_and_winter_changes_and_tokyo_has_none() {
        let from: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2028-01-01T00:00:00Z".parse().unwrap();
        let mut ics = Ics::default();
        vtimezone(&mut ics, "Europe/London", from, to);
        let london = ics.finish();
        assert!(london.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20270328T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\n"
        ));
        assert!(london.contains(
            "BEGIN:STANDARD\r\nDTSTART:20271031T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\n"
        ));
        let mut ics = Ics::default();
        vtimezone(&mut ics, "Asia/Tokyo", from, to);
        let tokyo = ics.finish();
        assert_eq!(tokyo.matches("BEGIN:STANDARD").count(), 1);
        assert!(tokyo.contains("TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900"));
    }
}
