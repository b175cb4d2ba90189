//! Every problem `code` the API answers with, in one registry: its stable name, the one
//! HTTP status it is sent with, and what it means (the docs' errors page is made from
//! this list). A code means one thing: it is never sent with another status.
//!
//! Domain values and capability errors name a constant here; the HTTP edge takes the
//! status from it, so a decision inside a capability never depends on a status.

/// A problem code: its name, its status, its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub name: &'static str,
    pub status: u16,
    pub meaning: &'static str,
}

macro_rules! codes {
    ($($ident:ident = $name:literal, $status:literal, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $ident: Code = Code { name: $name, status: $status, meaning: $meaning };
        )*
        /// Every code, in the order of the registry.
        pub const ALL: &[Code] = &[$($ident),*];
    };
}

codes! {
    // 400: the request itself cannot be read.
    MALFORMED_JSON = "malformed_json", 400, "The body is not valid JSON.";
    UNREADABLE_BODY = "unreadable_body", 400, "The body could not be read.";
    BODY_INTERRUPTED = "body_interrupted", 400, "The upload stopped before the body was complete.";
    INVALID_QUERY = "invalid_query", 400, "A query parameter has the wrong shape.";
    INVALID_MULTIPART = "invalid_multipart", 400, "The multipart form could not be read.";
    UNKNOWN_FIELD = "unknown_field", 400, "The form has a field the endpoint does not take.";

    // 401: who is asking is not established.
    MISSING_TOKEN = "missing_token", 401, "No access token was sent: send Authorization: Bearer <token>.";
    INVALID_TOKEN = "invalid_token", 401, "The access token is invalid or expired: refresh it or sign in again.";
    SESSION_ENDED = "session_ended", 401, "The token's session has ended (signed out, revoked, or the password changed).";
    INVALID_CREDENTIALS = "invalid_credentials", 401, "The email or the password is wrong.";
    INVALID_REFRESH_TOKEN = "invalid_refresh_token", 401, "The refresh token is unknown, spent or expired: sign in again.";
    WEBHOOK_UNAUTHORIZED = "webhook_unauthorized", 401, "The webhook call's Authorization header is missing or is not the value configured for it.";
    REFRESH_TOKEN_REUSED = "refresh_token_reused", 401, "A spent refresh token was presented again: the whole session ended, as a precaution.";

    // 403: understood, and refused.
    WRONG_PASSWORD = "wrong_password", 403, "The password given to confirm a sensitive change is wrong.";
    QUOTA_EXCEEDED = "quota_exceeded", 403, "The file does not fit in the storage quota.";
    EMAIL_UNVERIFIED = "email_unverified", 403, "Confirm your email address (follow the link Softly sent) before storing documents.";
    INVALID_SIGNATURE = "invalid_signature", 403, "The upload URL's signature is not valid: ask for a new URL.";
    URL_EXPIRED = "url_expired", 403, "The upload URL has expired: ask for a new one.";
    AI_READING_OFF = "ai_reading_off", 403, "Documents are sent to AI only when the user turned on AI document reading (a capture setting).";
    PLAN_LIMIT_REACHED = "plan_limit_reached", 403, "The user's plan does not allow this (more items with reminders, the daily digest): see plan in GET /v1/me.";
    CSRF_REFUSED = "csrf_refused", 403, "A call authenticated by the refresh cookie must come from the web app: its Origin must be the app's and it must carry the X-Softly-CSRF header.";

    NOT_FOUND = "not_found", 404, "There is nothing at this address, or it belongs to someone else.";
    METHOD_NOT_ALLOWED = "method_not_allowed", 405, "The resource does not answer this method.";
    EMAIL_ALREADY_VERIFIED = "email_already_verified", 409, "The email address is already verified.";
    OCCURRENCE_NOT_CURRENT = "occurrence_not_current", 409, "The occurrence named is no longer the item's current one: it was completed, skipped or moved already (a second click on an emailed link, say).";
    ITEM_NOT_OPEN = "item_not_open", 409, "The item is done or archived: reopen it (status open) first.";
    CAPTURE_NOT_READY = "capture_not_ready", 409, "The capture is not ready to accept: it is still being processed, it failed (retry it), or it was accepted already.";
    PAYLOAD_TOO_LARGE = "payload_too_large", 413, "The body is larger than the endpoint accepts.";
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", 415, "The body's type is not one the endpoint accepts (files: decided by their bytes).";

    // 422: a field breaks a rule; `field` names it.
    INVALID_BODY = "invalid_body", 422, "The JSON does not have the fields the endpoint takes.";
    INVALID_LINK = "invalid_link", 422, "The emailed link is invalid, used or expired: ask for a new one.";
    INVALID_EMAIL = "invalid_email", 422, "The email address is not valid.";
    NAME_REQUIRED = "name_required", 422, "A name is required.";
    NAME_TOO_LONG = "name_too_long", 422, "The name is too long.";
    INVALID_NAME = "invalid_name", 422, "The name has characters that are not allowed.";
    PASSWORD_TOO_SHORT = "password_too_short", 422, "The password is shorter than 12 characters.";
    PASSWORD_TOO_LONG = "password_too_long", 422, "The password is longer than 128 characters.";
    PASSWORD_TOO_COMMON = "password_too_common", 422, "The password is one of the most common ones.";
    INVALID_TIME_ZONE = "invalid_time_zone", 422, "The time zone is not an IANA name such as Europe/London.";
    TITLE_REQUIRED = "title_required", 422, "A title is required.";
    INVALID_TITLE = "invalid_title", 422, "The title is too long or has characters that are not allowed.";
    INVALID_KIND = "invalid_kind", 422, "The document kind is not one Softly knows.";
    INVALID_DATE = "invalid_date", 422, "The date is not a calendar date as YYYY-MM-DD.";
    EXPIRES_BEFORE_ISSUED = "expires_before_issued", 422, "The expiry date is before the issue date.";
    NOTES_TOO_LONG = "notes_too_long", 422, "The notes are too long.";
    FIELD_TOO_LONG = "field_too_long", 422, "A form field is too long.";
    INVALID_TEXT = "invalid_text", 422, "A form field is not UTF-8 text.";
    FILE_REQUIRED = "file_required", 422, "The form has no file.";
    ONE_FILE_ONLY = "one_file_only", 422, "The form has more than one file.";
    INVALID_FILENAME = "invalid_filename", 422, "The file's name is missing or unusable.";
    INVALID_BYTE_SIZE = "invalid_byte_size", 422, "The announced size is zero or above the upload limit.";
    INVALID_CHECKSUM = "invalid_checksum", 422, "The checksum is not a base64 SHA-256.";
    UNSUPPORTED_TYPE = "unsupported_type", 422, "The announced or arrived file is not a type Softly keeps.";
    UPLOAD_MISSING = "upload_missing", 422, "No file has arrived for the upload yet: send it, then complete.";
    SIZE_MISMATCH = "size_mismatch", 422, "The file that arrived is not the size announced.";
    CHECKSUM_MISMATCH = "checksum_mismatch", 422, "The file that arrived does not have the SHA-256 announced.";
    INVALID_LIMIT = "invalid_limit", 422, "The page size is outside 1 to 100.";
    INVALID_CURSOR = "invalid_cursor", 422, "The cursor was not a next_cursor passed back unchanged.";
    INVALID_ITEM_KIND = "invalid_item_kind", 422, "The item kind is not one of renewal, expiry, bill, appointment, todo, warranty, subscription.";
    INVALID_CATEGORY = "invalid_category", 422, "The category is not one Softly knows.";
    INVALID_STATUS = "invalid_status", 422, "The status is not open, done or archived.";
    INVALID_REPEAT_FROM = "invalid_repeat_from", 422, "repeat_from is not schedule or completion.";
    INVALID_DELIVERY = "invalid_delivery", 422, "The reminder delivery is not single or digest.";
    INVALID_RECURRENCE = "invalid_recurrence", 422, "The recurrence is not an RRULE of the supported subset (FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT, UNTIL).";
    INVALID_REMINDER = "invalid_reminder", 422, "A reminder is not an offset (value and unit) or an instant (at), or there are too many.";
    INVALID_TIME = "invalid_time", 422, "The time of day is not HH:MM (24-hour).";
    INVALID_AMOUNT = "invalid_amount", 422, "The amount is not a whole number of minor units (pence, cents) from 0 to 10^13, or comes without its currency.";
    INVALID_CURRENCY = "invalid_currency", 422, "The currency is not an ISO 4217 code in use (GBP, EUR, USD, …), or comes without an amount.";
    INVALID_TAGS = "invalid_tags", 422, "There are more than 20 tags, or a tag is empty, longer than 40 characters or has characters that are not allowed.";
    INVALID_PAYEE = "invalid_payee", 422, "The payee is longer than 200 characters or has characters that are not allowed.";
    UNKNOWN_DOCUMENT = "unknown_document", 422, "A linked document is not one of yours (or no longer exists).";
    NOT_REPEATING = "not_repeating", 422, "The item does not repeat: there is no next occurrence to skip to.";
    AUDIO_TOO_LONG = "audio_too_long", 422, "The recording is longer than a capture takes (CAPTURE_MAX_AUDIO_SECS, 5 minutes by default).";
    INVALID_CAPTURE_TEXT = "invalid_capture_text", 422, "The text to capture is empty, longer than 5000 characters, or has characters that are not allowed.";
    INVALID_PROPOSALS = "invalid_proposals", 422, "Accept one to 10 proposals; to keep none, discard the capture.";
    INVALID_SNOOZE = "invalid_snooze", 422, "A snooze is 1 to 90 days, or an instant within the next year.";

    RATE_LIMITED = "rate_limited", 429, "Too many attempts: wait as Retry-After says.";
    TOO_MANY_UPLOADS = "too_many_uploads", 429, "Too many direct uploads announced and not completed: complete or abandon some first (each expires within a day).";
    CAPTURE_LIMIT_REACHED = "capture_limit_reached", 429, "This month's voice minutes or captures are used up; the detail says when they start again.";
    INTERNAL_ERROR = "internal_error", 500, "Something failed on Softly's side; it was logged.";
    DATABASE_UNAVAILABLE = "database_unavailable", 503, "The database did not answer in time: try again shortly.";
    REQUEST_TIMEOUT = "request_timeout", 503, "The request took longer than the server allows.";
    CAPTURE_UNAVAILABLE = "capture_unavailable", 503, "This way of capturing is not configured on this server (voice needs DEEPGRAM_API_KEY).";
    SERVER_BUSY = "server_busy", 503, "The server has as many connections open as it serves at once (HTTP_MAX_CONNECTIONS): try again in a moment.";
}

/// The code named `name`, if there is one.
pub fn find(name: &str) -> Option<Code> {
    ALL.iter().copied().find(|code| code.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_means_one_thing() {
        for (i, code) in ALL.iter().enumerate() {
            assert!(
                ALL[i + 1..].iter().all(|other| other.name != code.name),
                "{} is registered twice",
                code.name
            );
            assert!(
                (400..600).contains(&code.status),
                "{} has status {}",
                code.name,
                code.status
            );
            assert!(
                code.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{} is not snake_case",
                code.name
            );
            assert!(code.meaning.ends_with('.'), "{} has no meaning", code.name);
        }
    }

    #[test]
    fn codes_are_found_by_name() {
        assert_eq!(find("invalid_token"), Some(INVALID_TOKEN));
        assert_eq!(find("no_such_code"), None);
    }
}
