//! `softly usage`: a month's provider calls and what they cost, for operators.

use std::fmt::Write;

use super::allowance::month_of;
use super::store::usage;
use crate::platform::db::Db;

/// The month's totals per provider and model, as lines of text; `month` is `YYYY-MM`
/// (this month when None).
pub async fn month_report(db: &Db, month: Option<&str>, now_ms: i64) -> anyhow::Result<String> {
    let month = match month {
        Some(m) => {
            anyhow::ensure!(
                m.len() == 7 && format!("{m}-01").parse::<jiff::civil::Date>().is_ok(),
                "the month is YYYY-MM, e.g. 2026-12"
            );
            m.to_string()
        }
        None => month_of(now_ms),
    };
    let totals = usage::totals(db.pool(), &month).await?;
    let mut out = format!("Capture usage in {month} (UTC)\n");
    if totals.is_empty() {
        out.push_str("no provider calls\n");
    }
    for t in &totals {
        writeln!(
            out,
            "{:<10} {:<24} calls {:>6}  users {:>5}  audio {:>8.1} min  input tokens {:>9}  output tokens {:>9}",
            t.provider,
            t.model,
            t.calls,
            t.users,
            t.audio_ms as f64 / 60_000.0,
            t.input_tokens,
            t.output_tokens
        )?;
    }
    Ok(out)
}
