//! The monthly limits: audio minutes transcribed and extractions by a model, per user and
//! calendar month (UTC). Checked before a capture is taken; counted from `capture_usage`.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::context::{Captures, Monthly};
use super::error::CaptureError;
use super::store::usage::{self, Used};

/// The month `now_ms` is in, `YYYY-MM` (UTC).
pub fn month_of(now_ms: i64) -> String {
    let at = Timestamp::from_millisecond(now_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    at.to_zoned_datetime(TimeZone::UTC).strftime("%Y-%m").to_string()
}

/// When the month of `now_ms` ends and the limits start again.
pub fn resets_at(now_ms: i64) -> Timestamp {
    let at = Timestamp::from_millisecond(now_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let date = at.to_zoned_datetime(TimeZone::UTC).date();
    date.first_of_month()
        .checked_add(jiff::Span::new().months(1))
        .ok()
        .and_then(|first| first.to_zoned_datetime(TimeZone::UTC).ok())
        .map_or(at, |zoned| zoned.timestamp())
}

/// What `user_id` used this month.
pub async fn used(captures: &Captures, user_id: &str) -> sqlx::Result<Used> {
    usage::of_user(captures.db.pool(), user_id, &month_of(captures.clock.now_ms())).await
}

/// Refuses a capture that would go past this month's limits: `audio_ms` more of audio
/// (when it is audio; unknown length: what is left must not be nothing), and one more
/// extraction when a model reads the text.
pub async fn ensure_allowed(captures: &Captures, user_id: &str, audio: Option<Option<i64>>) -> Result<(), CaptureError> {
    let used = used(captures, user_id).await?;
    let limits = Monthly::of(&captures.plans.of(user_id).await?);
    let resets = resets_at(captures.clock.now_ms());
    let when = resets.to_zoned_datetime(TimeZone::UTC).strftime("%-d %B %Y").to_string();
    if let Some(length) = audio {
        let after = used.audio_ms + length.unwrap_or(1);
        if after > limits.audio_ms {
            return Err(CaptureError::LimitReached(format!(
                "This month's {} minutes of voice capture are used up; they start again on {when} ({resets}). \
                 Typing still works.",
                limits.audio_ms / 60_000
            )));
        }
    }
    let model_reads = captures.extractor.name() != "local";
    if model_reads && used.extractions >= limits.extractions {
        return Err(CaptureError::LimitReached(format!(
            "This month's {} readings by AI (captures and documents) are used up; they start again on {when} ({resets}). \
             Typing a date yourself always works.",
            limits.extractions
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_resets_are_utc_calendar_months() {
        let dec_31_late: i64 = "2026-12-31T23:30:00Z".parse::<Timestamp>().unwrap().as_millisecond();
        assert_eq!(month_of(dec_31_late), "2026-12");
        assert_eq!(resets_at(dec_31_late).to_string(), "2027-01-01T00:00:00Z");
    }
}
