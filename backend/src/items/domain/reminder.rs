//! What a reminder is before it is stored: a calendar offset before the due moment, or
//! an instant; and the reminders each kind of item gets when none are given.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::choices::{ItemKind, OffsetUnit};
use crate::codes;
use crate::invalid::Invalid;

/// Reminders one item may have.
pub const MAX_REMINDERS: usize = 10;

/// A reminder as a client sends it: `{"value": 6, "unit": "month"}` (before the due
/// moment) or `{"at": "2027-04-30T08:00:00Z"}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReminderInput {
    /// How many `unit`s before the due moment; 0 is at the due moment (for a date-only
    /// item: the user's reminder time on the day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// minute, hour, day, week or month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// An RFC 3339 instant, instead of an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A validated reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    Offset { value: i64, unit: OffsetUnit },
    At { at_ms: i64 },
}

impl Reminder {
    pub const fn offset(value: i64, unit: OffsetUnit) -> Self {
        Self::Offset { value, unit }
    }

    /// As a client would send it back.
    pub fn to_input(self) -> ReminderInput {
        match self {
            Self::Offset { value, unit } => ReminderInput {
                value: Some(value),
                unit: Some(unit.as_str().to_string()),
                at: None,
            },
            Self::At { at_ms } => ReminderInput {
                at: jiff::Timestamp::from_millisecond(at_ms).ok().map(|at| at.to_string()),
                ..ReminderInput::default()
            },
        }
    }

    pub fn parse(input: &ReminderInput) -> Result<Self, Invalid> {
        let refused = |detail: &str| Invalid::new("reminders", codes::INVALID_REMINDER, detail);
        match (input.value, input.unit.as_deref(), input.at.as_deref()) {
            (None, None, Some(at)) => {
                let at: jiff::Timestamp = at.parse().map_err(|_| {
                    refused("A reminder's at is an RFC 3339 instant, e.g. 2027-04-30T08:00:00Z.")
                })?;
                Ok(Self::At {
                    at_ms: at.as_millisecond(),
                })
            }
            (Some(value), Some(unit), None) => {
                let unit =
                    OffsetUnit::parse(unit).map_err(|e| refused(&format!("A reminder's unit: {e}")))?;
                let most = match unit {
                    OffsetUnit::Minute => 60 * 24 * 7,
                    OffsetUnit::Hour => 24 * 31,
                    OffsetUnit::Day => 366,
                    OffsetUnit::Week => 104,
                    OffsetUnit::Month => 24,
                };
                if !(0..=most).contains(&value) {
                    return Err(refused(&format!(
                        "A reminder is 0 to {most} {}s before.",
                        unit.as_str()
                    )));
                }
                Ok(Self::Offset { value, unit })
            }
            _ => Err(refused(
                "A reminder is either {\"value\", \"unit\"} before the due moment or {\"at\"}.",
            )),
        }
    }
}

/// A list of reminders: at most [`MAX_REMINDERS`], none twice.
pub fn parse_list(inputs: &[ReminderInput]) -> Result<Vec<Reminder>, Invalid> {
    if inputs.len() > MAX_REMINDERS {
        return Err(Invalid::new(
            "reminders",
            codes::INVALID_REMINDER,
            format!("An item has at most {MAX_REMINDERS} reminders."),
        ));
    }
    let mut reminders: Vec<Reminder> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let reminder = Reminder::parse(input)?;
        if !reminders.contains(&reminder) {
            reminders.push(reminder);
        }
    }
    Ok(reminders)
}

/// What each kind is reminded of unless the user set their own defaults: an expiry
/// (a passport) 6 months and 1 month before, a bill 3 days before, and so on.
pub fn built_in_defaults(kind: ItemKind) -> Vec<Reminder> {
    use OffsetUnit::{Day, Hour, Month, Week};
    match kind {
        ItemKind::Expiry => vec![Reminder::offset(6, Month), Reminder::offset(1, Month)],
        ItemKind::Renewal => vec![Reminder::offset(1, Month), Reminder::offset(1, Week)],
        ItemKind::Bill => vec![Reminder::offset(3, Day)],
        ItemKind::Appointment => vec![Reminder::offset(1, Day), Reminder::offset(1, Hour)],
        ItemKind::Subscription => vec![Reminder::offset(1, Week)],
        ItemKind::Warranty => vec![Reminder::offset(1, Month)],
        ItemKind::Todo => vec![Reminder::offset(0, Day)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset(value: i64, unit: &str) -> ReminderInput {
        ReminderInput {
            value: Some(value),
            unit: Some(unit.into()),
            at: None,
        }
    }

    #[test]
    fn offsets_and_instants_are_taken_and_mixtures_are_not() {
        assert_eq!(
            Reminder::parse(&offset(6, "month")),
            Ok(Reminder::offset(6, OffsetUnit::Month))
        );
        assert_eq!(
            Reminder::parse(&offset(0, "day")),
            Ok(Reminder::offset(0, OffsetUnit::Day))
        );
        let at = ReminderInput {
            at: Some("2027-04-30T08:00:00Z".into()),
            ..Default::default()
        };
        assert!(matches!(Reminder::parse(&at), Ok(Reminder::At { .. })));
        let both = ReminderInput {
            at: Some("2027-04-30T08:00:00Z".into()),
            ..offset(1, "day")
        };
        for bad in [
            both,
            offset(-1, "day"),
            offset(25, "month"),
            offset(1, "fortnight"),
            ReminderInput::default(),
            ReminderInput {
                at: Some("tomorrow".into()),
                ..Default::default()
            },
        ] {
            let refused = Reminder::parse(&bad).expect_err(&format!("{bad:?}"));
            assert_eq!(refused.field, "reminders");
        }
    }

    #[test]
    fn a_list_has_at_most_ten_and_drops_repeats() {
        let eleven: Vec<ReminderInput> = (0..11).map(|n| offset(n, "day")).collect();
        assert!(parse_list(&eleven).is_err());
        assert_eq!(parse_list(&eleven[..10]).unwrap().len(), 10);
        assert_eq!(
            parse_list(&[offset(1, "day"), offset(1, "day")]).unwrap().len(),
            1
        );
    }

    #[test]
    fn a_passport_expiry_is_reminded_six_months_and_a_month_before_and_a_bill_three_days() {
        assert_eq!(
            built_in_defaults(ItemKind::Expiry),
            [
                Reminder::offset(6, OffsetUnit::Month),
                Reminder::offset(1, OffsetUnit::Month)
            ]
        );
        assert_eq!(
            built_in_defaults(ItemKind::Bill),
            [Reminder::offset(3, OffsetUnit::Day)]
        );
    }
}
