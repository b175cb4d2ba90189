//! The kind of item and its category, from the words said.

use super::words::Word;
use crate::items::domain::ItemKind;

/// The kind, and whether a keyword said it (rather than the default).
pub struct KindFound {
    pub kind: ItemKind,
    pub keyword: bool,
}

/// Keywords of each kind, the more specific kinds first.
const KINDS: [(ItemKind, &[&str]); 6] = [
    (
        ItemKind::Appointment,
        &[
            "appointment", "dentist", "doctor", "doctor's", "gp", "hospital", "meeting", "interview", "haircut",
            "vet", "check-up", "checkup", "optician", "physio", "consultation", "hairdresser",
        ],
    ),
    (ItemKind::Warranty, &["warranty", "guarantee"]),
    (ItemKind::Expiry, &["expires", "expiry", "expire", "expiring", "expired"]),
    (
        ItemKind::Subscription,
        &["subscription", "netflix", "spotify", "membership", "disney+", "icloud", "prime"],
    ),
    (
        ItemKind::Bill,
        &[
            "pay", "bill", "invoice", "rent", "mortgage", "council", "electricity", "fee", "fine", "payment",
        ],
    ),
    (
        ItemKind::Renewal,
        &["renew", "renewal", "renews", "mot", "insurance", "licence", "license"],
    ),
];

/// The item's kind: the first kind one of whose keywords was said; else a bill when an
/// amount was, else a to-do.
pub fn kind_of(words: &[Word], has_amount: bool) -> KindFound {
    for (kind, keywords) in KINDS {
        if words.iter().any(|w| keywords.contains(&w.text.as_str())) {
            return KindFound { kind, keyword: true };
        }
    }
    KindFound {
        kind: if has_amount { ItemKind::Bill } else { ItemKind::Todo },
        keyword: false,
    }
}

/// Keywords of each category, in the order they are tried.
const CATEGORIES: [(&str, &[&str]); 8] = [
    ("identity", &["passport", "visa", "id", "driving", "biometric", "residence"]),
    ("vehicle", &["car", "van", "mot", "tyres", "tyre", "vehicle", "motorbike", "scooter"]),
    (
        "health",
        &[
            "dentist", "doctor", "doctor's", "gp", "hospital", "prescription", "optician", "physio", "vaccine",
            "vaccination", "medication", "check-up", "checkup", "pills",
        ],
    ),
    ("pets", &["vet", "dog", "cat", "flea", "worming", "pet", "puppy", "kitten"]),
    (
        "home",
        &[
            "rent", "mortgage", "council", "boiler", "electricity", "gas", "water", "broadband", "internet",
            "landlord", "bins", "home", "house", "tv",
        ],
    ),
    (
        "finance",
        &["tax", "bank", "isa", "pension", "credit", "loan", "savings", "accountant", "hmrc", "invoice", "vat"],
    ),
    ("travel", &["flight", "hotel", "holiday", "trip", "train", "travel", "esta"]),
    ("work", &["work", "meeting", "client", "boss", "office", "report", "interview"]),
];

/// The category the words point to, or `other`.
pub fn category_of(words: &[Word]) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(_, keywords)| words.iter().any(|w| keywords.contains(&w.text.as_str())))
        .map_or("other", |(category, _)| category)
}

/// The title of a proposal whose words said nothing but when.
pub fn default_title(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Renewal => "Renewal",
        ItemKind::Expiry => "Expiry",
        ItemKind::Bill => "Bill",
        ItemKind::Appointment => "Appointment",
        ItemKind::Todo => "To-do",
        ItemKind::Warranty => "Warranty",
        ItemKind::Subscription => "Subscription",
    }
}
