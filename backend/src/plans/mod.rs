//! Plans: `free` and `plus`, each a set of limits (the vault's quota, capture's monthly
//! minutes and readings, how many open items may have reminders, whether reminders may
//! come as a digest) that the vault, capture and items read through the [`Plans`]
//! service.
//! A user's plan follows from the RevenueCat entitlements they hold, which RevenueCat's
//! webhook keeps (see [`events`]) and a read-back job corrects when an event surprises.
//! A downgrade never deletes anything: over its quota, a user reads, downloads and
//! deletes, and stores nothing new until there is room; every reminder stays, and no
//! new item gets reminders past the limit.

mod context;
mod events;
mod refresh;
mod service;
mod store;
mod webhook;

use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use refresh::ReadBackSubscriber;
pub use service::{Plan, PlanName, Plans};

use crate::accounts::{Directory, UserDeleted};
use crate::capability::profile::SqlSection;
use crate::capability::{Capability, Definition, Wiring};
use crate::platform::db::Migration;
use crate::platform::events::{Subscriber, Subscriptions};
use crate::platform::jobs::JobRegistry;
use context::{PlansContext, RevenueCat};
use refresh::ReadBackSubscriberHandler;

pub const CAPABILITY: Definition = Definition {
    name: "plans",
    migrations: &[Migration {
        version: 10,
        name: "plans",
        sql: include_str!("migrations/0010_plans.sql"),
    }],
    wire,
};

/// What plans adds to the signed-in user's profile.
#[derive(Debug, Serialize, ToSchema)]
struct PlanProfile {
    /// The user's plan and its limits (use is shown beside each limit's owner:
    /// `storage_used_bytes`, `capture`).
    #[schema(inline)]
    plan: PlanView,
}

#[derive(Debug, Serialize, ToSchema)]
struct PlanView {
    #[schema(inline)]
    name: PlanName,
    vault_quota_bytes: u64,
    audio_minutes_per_month: u64,
    extractions_per_month: u64,
    /// How many open items may have reminders at once; null: no limit.
    items_with_reminders: Option<u64>,
    /// Whether reminders may come as a daily digest.
    digest: bool,
}

fn wire(wiring: &mut Wiring) -> anyhow::Result<Capability> {
    let platform = wiring.platform().clone();
    let config = platform.config.plans.clone();
    let revenuecat = match &config.revenuecat {
        Some(api) => Some(RevenueCat {
            http: reqwest::Client::builder()
                .user_agent(concat!("softly/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(10))
                .timeout(Duration::from_secs(30))
                .build()?,
            api: api.clone(),
        }),
        None => None,
    };
    let plans = Plans::new(platform.db.clone(), platform.clock.clone(), config);
    wiring.provide(plans.clone())?;
    let context = PlansContext {
        plans: plans.clone(),
        work: platform.work(),
        directory: wiring.service::<Directory>()?,
        revenuecat,
    };
    let (profile, columns) = (plans.clone(), plans.clone());
    wiring.profile_section(SqlSection::new(
        move |_now| vec![columns.profile_column()],
        move |row, _now| {
            let plan = profile.from_profile_row(row)?;
            Ok(PlanProfile {
                plan: PlanView {
                    name: plan.name,
                    vault_quota_bytes: plan.limits.vault_quota_bytes,
                    audio_minutes_per_month: plan.limits.audio_minutes_per_month,
                    extractions_per_month: plan.limits.extractions_per_month,
                    items_with_reminders: plan.limits.items_with_reminders,
                    digest: plan.limits.digest,
                },
            })
        },
    ));
    let jobs = JobRegistry::new().register::<ReadBackSubscriber, _>(ReadBackSubscriberHandler(context.clone()));
    let subscriptions =
        Subscriptions::new().on::<UserDeleted, _>("plans.forget_deleted_user", ForgetDeletedUser(context.clone()));
    Ok(Capability::new(routes().with_state(context))
        .jobs(jobs)
        .subscriptions(subscriptions))
}

fn routes() -> OpenApiRouter<PlansContext> {
    OpenApiRouter::new().routes(routes!(webhook::revenuecat_webhook))
}

struct ForgetDeletedUser(PlansContext);

impl Subscriber<UserDeleted> for ForgetDeletedUser {
    async fn handle(&self, _event_id: &str, event: UserDeleted) -> anyhow::Result<()> {
        let mut work = self.0.work.begin().await?;
        store::forget(work.conn(), &event.user_id).await?;
        work.commit().await?;
        Ok(())
    }
}
