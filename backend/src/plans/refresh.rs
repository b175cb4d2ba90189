//! Reading a subscriber back from RevenueCat (`GET /v1/subscribers/{app_user_id}`), in a
//! durable job: what it reports replaces what the user holds, as of its `request_date_ms`.
//! Asked for when an event surprises (it arrived after a newer one, a product change, a
//! transfer). A refusal worth retrying (429, 5xx) fails the attempt; the queue retries.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tracing::Instrument;

use super::context::{PlansContext, RevenueCat};
use super::store::{self, Entitlement};
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::metrics::metrics;

#[derive(Debug, Serialize, Deserialize)]
pub struct ReadBackSubscriber {
    pub user_id: String,
}

impl Job for ReadBackSubscriber {
    const KIND: &'static str = "plans.read_back_subscriber";
}

pub struct ReadBackSubscriberHandler(pub PlansContext);

impl JobHandler<ReadBackSubscriber> for ReadBackSubscriberHandler {
    async fn run(&self, _job_id: &str, job: ReadBackSubscriber) -> anyhow::Result<()> {
        let context = &self.0;
        let Some(revenuecat) = &context.revenuecat else {
            tracing::warn!(user_id = %job.user_id, "no REVENUECAT_API_KEY: the subscriber is not read back");
            return Ok(());
        };
        let subscriber = revenuecat.subscriber(&job.user_id).await?;
        let mut work = context.work.begin().await?;
        let now = work.now_ms();
        // Force the record to this reading: it is RevenueCat's whole view at its time.
        if store::advance(work.conn(), &job.user_id, subscriber.as_of, now).await? {
            store::replace(work.conn(), &job.user_id, &subscriber.entitlements, now).await?;
            work.user_changed(&job.user_id);
        }
        work.commit().await?;
        tracing::info!(user_id = %job.user_id, entitlements = subscriber.entitlements.len(), "subscriber read back from RevenueCat");
        Ok(())
    }
}

/// What RevenueCat reports of a subscriber.
pub struct Subscriber {
    /// `request_date_ms`: the time of the reading.
    pub as_of: i64,
    pub entitlements: Vec<Entitlement>,
}

#[derive(Deserialize)]
struct SubscriberResponse {
    request_date_ms: i64,
    subscriber: SubscriberBody,
}

#[derive(Deserialize)]
struct SubscriberBody {
    #[serde(default)]
    entitlements: BTreeMap<String, EntitlementBody>,
}

#[derive(Deserialize)]
struct EntitlementBody {
    /// RFC 3339; null for a lifetime entitlement.
    expires_date: Option<String>,
}

/// RevenueCat's error shape: `{"code": 7225, "message": "…"}`.
#[derive(Deserialize)]
struct Refusal {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
}

impl RevenueCat {
    pub async fn subscriber(&self, user_id: &str) -> anyhow::Result<Subscriber> {
        let span = crate::telemetry::external_call("revenuecat", "get subscriber");
        self.subscriber_traced(user_id).instrument(span).await
    }

    async fn subscriber_traced(&self, user_id: &str) -> anyhow::Result<Subscriber> {
        let mut url = reqwest::Url::parse(&self.api.url).context("REVENUECAT_URL")?;
        url.path_segments_mut()
            .map_err(|()| anyhow::anyhow!("REVENUECAT_URL cannot have a path"))?
            .extend(["v1", "subscribers", user_id]);
        let response = self
            .http
            .get(url)
            .bearer_auth(self.api.key.expose())
            .header("accept", "application/json")
            .send()
            .await
            .inspect_err(|_| metrics().call("revenuecat", "unreachable"))
            .context("while asking RevenueCat for a subscriber")?;
        let status = response.status();
        metrics().call("revenuecat", if status.is_success() { "ok" } else { "refused" });
        let body = response
            .bytes()
            .await
            .context("while reading RevenueCat's answer")?;
        if !status.is_success() {
            let refusal: Option<Refusal> = serde_json::from_slice(&body).ok();
            let (code, message) = refusal.map_or((0, String::new()), |r| (r.code, r.message));
            bail!("RevenueCat answered {status} (code {code}: {message})");
        }
        let answer: SubscriberResponse =
            serde_json::from_slice(&body).context("RevenueCat's subscriber is not in the shape expected")?;
        let entitlements = answer
            .subscriber
            .entitlements
            .into_iter()
            .map(|(id, entitlement)| -> anyhow::Result<Entitlement> {
                let expires_at = entitlement
                    .expires_date
                    .map(|at| at.parse::<jiff::Timestamp>().map(|at| at.as_millisecond()))
                    .transpose()
                    .with_context(|| format!("entitlement {id}'s expires_date"))?;
                Ok(Entitlement { id, expires_at })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Subscriber {
            as_of: answer.request_date_ms,
            entitlements,
        })
    }
}
