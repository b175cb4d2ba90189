//! Where an item is in its series, and where it goes when an occurrence is done or
//! skipped.
//!
//! An item keeps one current occurrence, never a list ahead of it: the next date is
//! computed when the current one is done, so a repeat never runs out. Completing an
//! overdue occurrence jumps to the first occurrence from today on — missed ones are not
//! owed one by one. A repeat counted from completion ("every 3 months from when it was
//! done") steps from the day it was done instead of following the rule's calendar.

use jiff::civil::Date;

use super::choices::RepeatFrom;
use super::recurrence::Recurrence;

/// An item's place in its series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The first occurrence (RFC 5545's DTSTART).
    pub start: Date,
    /// The current occurrence, as the series places it (before any move of this one).
    pub occurrence_on: Date,
    /// None: a one-off.
    pub recurrence: Option<Recurrence>,
    pub repeat_from: RepeatFrom,
    /// Occurrences completed or skipped so far: what COUNT bounds for a repeat counted
    /// from completion.
    pub occurrences_done: u32,
}

/// Where the series goes after its current occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The next occurrence's date.
    On(Date),
    /// No occurrence follows: a one-off, or COUNT or UNTIL reached.
    Ended,
}

impl Series {
    pub fn repeats(&self) -> bool {
        self.recurrence.is_some()
    }

    /// The current occurrence was completed on `done_on`; `today` is the item's today.
    pub fn after_completion(&self, done_on: Date, today: Date) -> Next {
        match self.repeat_from {
            RepeatFrom::Schedule => self.next_scheduled(today),
            RepeatFrom::Completion => self.step_from(done_on),
        }
    }

    /// The current occurrence was skipped on `today`.
    pub fn after_skip(&self, today: Date) -> Next {
        match self.repeat_from {
            RepeatFrom::Schedule => self.next_scheduled(today),
            // Nothing was done to count from: the next one is a step from today.
            RepeatFrom::Completion => self.step_from(today),
        }
    }

    /// The next `n` dates after the current occurrence, when the rule's calendar knows
    /// them (a repeat counted from completion waits for the completion).
    pub fn upcoming(&self, n: usize) -> Vec<Date> {
        match (&self.recurrence, self.repeat_from) {
            (Some(rule), RepeatFrom::Schedule) => rule.following(self.start, self.occurrence_on, n),
            _ => Vec::new(),
        }
    }

    /// The first date of the rule after the current occurrence that is today or later:
    /// an overdue series jumps to its first occurrence not yet past.
    fn next_scheduled(&self, today: Date) -> Next {
        let Some(rule) = &self.recurrence else {
            return Next::Ended;
        };
        let yesterday = today.yesterday().unwrap_or(today);
        let after = self.occurrence_on.max(yesterday);
        rule.next_from(self.start, self.occurrence_on, after)
            .map_or(Next::Ended, Next::On)
    }

    fn step_from(&self, from: Date) -> Next {
        let Some(rule) = &self.recurrence else {
            return Next::Ended;
        };
        if rule
            .count()
            .is_some_and(|count| self.occurrences_done + 1 >= count)
        {
            return Next::Ended;
        }
        rule.step_from(from).map_or(Next::Ended, Next::On)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn series(rule: Option<&str>, repeat_from: RepeatFrom, start: Date, current: Date) -> Series {
        Series {
            start,
            occurrence_on: current,
            recurrence: rule.map(|r| Recurrence::parse(r).unwrap()),
            repeat_from,
            occurrences_done: 0,
        }
    }

    #[test]
    fn a_one_off_ends_when_done() {
        let once = series(None, RepeatFrom::Schedule, date(2027, 3, 1), date(2027, 3, 1));
        assert_eq!(once.after_completion(date(2027, 3, 1), date(2027, 3, 1)), Next::Ended);
        assert!(once.upcoming(3).is_empty());
    }

    #[test]
    fn done_early_the_next_date_follows_the_current_one() {
        let monthly = series(
            Some("FREQ=MONTHLY;BYMONTHDAY=1"),
            RepeatFrom::Schedule,
            date(2027, 1, 1),
            date(2027, 2, 1),
        );
        assert_eq!(
            monthly.after_completion(date(2027, 1, 20), date(2027, 1, 20)),
            Next::On(date(2027, 3, 1))
        );
    }

    #[test]
    fn an_overdue_series_jumps_to_its_first_occurrence_from_today() {
        let weekly = series(
            Some("FREQ=WEEKLY;BYDAY=MO"),
            RepeatFrom::Schedule,
            date(2027, 1, 4),
            date(2027, 1, 4),
        );
        // Three Mondays missed; done on Wednesday 27 January: next is Monday 1 February.
        assert_eq!(
            weekly.after_completion(date(2027, 1, 27), date(2027, 1, 27)),
            Next::On(date(2027, 2, 1))
        );
        // Done on a Monday that is itself an occurrence: that one is still to do today.
        assert_eq!(
            weekly.after_completion(date(2027, 1, 25), date(2027, 1, 25)),
            Next::On(date(2027, 1, 25))
        );
        // Skipping jumps the same way.
        assert_eq!(weekly.after_skip(date(2027, 1, 27)), Next::On(date(2027, 2, 1)));
    }

    #[test]
    fn a_repeat_counted_from_completion_steps_from_the_day_it_was_done() {
        let mut boiler = series(
            Some("FREQ=MONTHLY;INTERVAL=3"),
            RepeatFrom::Completion,
            date(2027, 1, 10),
            date(2027, 1, 10),
        );
        // Done late, on 2 February: next is 2 May, not 10 April.
        assert_eq!(
            boiler.after_completion(date(2027, 2, 2), date(2027, 2, 3)),
            Next::On(date(2027, 5, 2))
        );
        assert_eq!(boiler.after_skip(date(2027, 2, 3)), Next::On(date(2027, 5, 3)));
        assert!(boiler.upcoming(3).is_empty(), "unknown until it is done");
        boiler.recurrence = Some(Recurrence::parse("FREQ=MONTHLY;INTERVAL=3;COUNT=2").unwrap());
        assert_eq!(
            boiler.after_completion(date(2027, 2, 2), date(2027, 2, 2)),
            Next::On(date(2027, 5, 2))
        );
        boiler.occurrences_done = 1;
        assert_eq!(boiler.after_completion(date(2027, 5, 2), date(2027, 5, 2)), Next::Ended);
    }

    #[test]
    fn count_and_until_end_a_scheduled_series() {
        let counted = series(
            Some("FREQ=YEARLY;COUNT=2"),
            RepeatFrom::Schedule,
            date(2027, 3, 3),
            date(2028, 3, 3),
        );
        assert_eq!(counted.after_completion(date(2028, 3, 3), date(2028, 3, 3)), Next::Ended);
        let until = series(
            Some("FREQ=MONTHLY;UNTIL=20270401"),
            RepeatFrom::Schedule,
            date(2027, 1, 1),
            date(2027, 3, 1),
        );
        assert_eq!(
            until.after_completion(date(2027, 3, 1), date(2027, 3, 1)),
            Next::On(date(2027, 4, 1))
        );
        let last = Series {
            occurrence_on: date(2027, 4, 1),
            ..until
        };
        assert_eq!(last.after_completion(date(2027, 4, 1), date(2027, 4, 1)), Next::Ended);
    }

    #[test]
    fn upcoming_dates_follow_the_current_occurrence() {
        let last_friday = series(
            Some("FREQ=MONTHLY;BYDAY=-1FR"),
            RepeatFrom::Schedule,
            date(2026, 12, 25),
            date(2027, 1, 29),
        );
        assert_eq!(
            last_friday.upcoming(3),
            [date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)]
        );
    }
}
