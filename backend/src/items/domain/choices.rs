//! The closed lists an item's fields choose from, each a Rust enum with its wire name.

use crate::codes;
use crate::invalid::Invalid;

/// An enum whose variants are written as fixed snake_case names, parsed with a 422 that
/// lists the choices and read back from storage without guessing.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident, $field:literal, $code:expr, { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// The variant `raw` names; a 422 on `field` listing the choices otherwise.
            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                Self::from_stored(raw.trim()).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    Invalid::new($field, $code, format!("Use one of: {}.", names.join(", ")))
                })
            }

            pub fn from_stored(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }
    };
}

choices!(
    /// What kind of thing an item is; decides its default reminders.
    ItemKind, "kind", codes::INVALID_ITEM_KIND, {
        Renewal = "renewal",
        Expiry = "expiry",
        Bill = "bill",
        Appointment = "appointment",
        Todo = "todo",
        Warranty = "warranty",
        Subscription = "subscription",
    }
);

choices!(
    /// The part of life an item belongs to.
    Category, "category", codes::INVALID_CATEGORY, {
        Identity = "identity",
        Vehicle = "vehicle",
        Home = "home",
        Health = "health",
        Finance = "finance",
        Pets = "pets",
        Travel = "travel",
        Work = "work",
        Other = "other",
    }
);

choices!(
    /// open: waiting for its due date; done: completed (a one-off, or a series that
    /// ended); archived: kept, never reminded.
    Status, "status", codes::INVALID_STATUS, {
        Open = "open",
        Done = "done",
        Archived = "archived",
    }
);

choices!(
    /// Where a repeat counts from: the rule's dates, or the day the last one was done.
    RepeatFrom, "repeat_from", codes::INVALID_REPEAT_FROM, {
        Schedule = "schedule",
        Completion = "completion",
    }
);

choices!(
    /// How a user's reminders reach them.
    Delivery, "delivery", codes::INVALID_DELIVERY, {
        Single = "single",
        Digest = "digest",
    }
);

choices!(
    /// The calendar unit of a reminder's offset before the due moment.
    OffsetUnit, "unit", codes::INVALID_REMINDER, {
        Minute = "minute",
        Hour = "hour",
        Day = "day",
        Week = "week",
        Month = "month",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_reads_back_what_it_writes_and_refuses_the_rest() {
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::parse(kind.as_str()), Ok(*kind));
        }
        let refused = ItemKind::parse("chore").unwrap_err();
        assert_eq!(refused.field, "kind");
        assert!(refused.detail.contains("renewal"), "{}", refused.detail);
        assert_eq!(Category::parse(" pets "), Ok(Category::Pets));
        assert!(Status::parse("Open").is_err());
        assert_eq!(Status::from_stored("archived"), Some(Status::Archived));
        assert_eq!(Status::from_stored("deleted"), None);
    }
}
