//! The fake Deepgram and Anthropic servers as a process, for the web app's browser tests:
//! prints one JSON line with their URLs and keys, then serves until killed.
//!
//! `FAKE_DEEPGRAM_SAYS` is what every recording transcribes to; `FAKE_ANTHROPIC_TOOL_INPUT`
//! (JSON) the input of every forced tool answer.

use softly_testbed::fakes::anthropic::FakeAnthropic;
use softly_testbed::fakes::deepgram::FakeDeepgram;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let deepgram = FakeDeepgram::start("fake-deepgram-key").await?;
    deepgram.says(&std::env::var("FAKE_DEEPGRAM_SAYS").unwrap_or_default());
    let anthropic = FakeAnthropic::start("fake-anthropic-key").await?;
    if let Ok(input) = std::env::var("FAKE_ANTHROPIC_TOOL_INPUT") {
        anthropic.answers(serde_json::from_str(&input)?);
    }
    println!(
        "{}",
        serde_json::json!({
            "deepgram_url": deepgram.url(),
            "deepgram_key": "fake-deepgram-key",
            "anthropic_url": anthropic.url(),
            "anthropic_key": "fake-anthropic-key",
        })
    );
    std::future::pending::<()>().await;
    Ok(())
}
