//! How a capability joins the application.
//!
//! A capability is a folder that wires itself: its [`Definition`] names its migrations
//! and a `wire` function that, given the [`Wiring`] (the platform, and the services
//! capabilities wired before it provide), builds its own context and answers a
//! [`Capability`]: its routes with their OpenAPI, its job handlers, its periodic tasks
//! and its event subscriptions. Start-up lists the definitions once
//! (`capabilities!` in `lib.rs`); [`assemble`] wires them in that order and puts the parts
//! together. Adding a capability is its folder plus one line there.

pub mod profile;
mod services;

use std::sync::Arc;

use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::platform::Platform;
use crate::platform::db::Migration;
use crate::platform::events::Subscriptions;
use crate::platform::jobs::JobRegistry;
use crate::platform::schedule::Schedule;
use profile::{Profile, ProfileSection};
pub use services::Services;

/// A capability as start-up lists it.
pub struct Definition {
    pub name: &'static str,
    /// Its tables, in the one version sequence (see [`crate::platform::db::migrate`]).
    pub migrations: &'static [Migration],
    pub wire: fn(&mut Wiring) -> anyhow::Result<Capability>,
}

/// What a wired capability contributes. Routes carry the capability's own context
/// already (`with_state`) and are nested under `/v1`.
pub struct Capability {
    routes: OpenApiRouter,
    file_routes: OpenApiRouter,
    jobs: JobRegistry,
    schedule: Schedule,
    subscriptions: Subscriptions,
}

impl Capability {
    /// Routes with JSON bodies: the 64 KiB JSON limit and `REQUEST_TIMEOUT_SECS`.
    pub fn new(routes: OpenApiRouter) -> Self {
        Self {
            routes,
            file_routes: OpenApiRouter::new(),
            jobs: JobRegistry::new(),
            schedule: Schedule::new(),
            subscriptions: Subscriptions::new(),
        }
    }

    /// Routes that carry files: no JSON body limit (the handlers limit what they read)
    /// and `UPLOAD_TIMEOUT_SECS` instead of the request timeout.
    pub fn file_routes(mut self, routes: OpenApiRouter) -> Self {
        self.file_routes = routes;
        self
    }

    pub fn jobs(mut self, jobs: JobRegistry) -> Self {
        self.jobs = jobs;
        self
    }

    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    pub fn subscriptions(mut self, subscriptions: Subscriptions) -> Self {
        self.subscriptions = subscriptions;
        self
    }
}

/// What a capability is wired with.
pub struct Wiring {
    platform: Platform,
    services: Services,
    profile: Profile,
    sections: Vec<Arc<dyn ProfileSection>>,
}

impl Wiring {
    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// Offers a public service to the capabilities wired after this one.
    pub fn provide<T: Clone + Send + Sync + 'static>(&mut self, service: T) -> anyhow::Result<()> {
        self.services.provide(service)
    }

    /// A public service an earlier capability provides.
    pub fn service<T: Clone + Send + Sync + 'static>(&self) -> anyhow::Result<T> {
        self.services.get()
    }

    /// Adds fields to the signed-in user's profile (`GET /v1/me`).
    pub fn profile_section(&mut self, section: impl ProfileSection) {
        self.sections.push(Arc::new(section));
    }

    /// The profile, whose sections are fixed once every capability is wired.
    pub fn profile(&self) -> Profile {
        self.profile.clone()
    }
}

/// Every capability's parts, put together.
pub struct Assembled {
    /// To be nested under `/v1`, with their OpenAPI; JSON routes and file routes apart.
    pub routes: OpenApiRouter,
    pub file_routes: OpenApiRouter,
    pub jobs: JobRegistry,
    pub schedule: Schedule,
    profile: Profile,
}

impl Assembled {
    /// Adds what only the finished wiring knows (the profile's sections) to the
    /// OpenAPI document.
    pub fn describe(&self, openapi: &mut OpenApi) {
        self.profile.describe(openapi);
    }
}

/// Wires `definitions` in order on `platform`; fixes event subscriptions and profile
/// sections. The platform's own jobs and periodic tasks are part of the result; a job
/// kind or task name used twice is an error.
pub fn assemble(platform: &Platform, definitions: &[Definition]) -> anyhow::Result<Assembled> {
    let mut wiring = Wiring {
        platform: platform.clone(),
        services: Services::default(),
        profile: Profile::default(),
        sections: Vec::new(),
    };
    let mut routes = OpenApiRouter::new();
    let mut file_routes = OpenApiRouter::new();
    let mut jobs = platform.jobs();
    let mut schedule = platform.schedule();
    let mut subscriptions = Vec::new();
    for definition in definitions {
        let capability = (definition.wire)(&mut wiring)
            .map_err(|e| e.context(format!("while wiring the {} capability", definition.name)))?;
        routes = routes.merge(capability.routes);
        file_routes = file_routes.merge(capability.file_routes);
        jobs = jobs.merge(capability.jobs)?;
        schedule = schedule.merge(capability.schedule)?;
        subscriptions.push(capability.subscriptions);
    }
    jobs = jobs.merge(platform.events.close(subscriptions)?)?;
    wiring.profile.fix(std::mem::take(&mut wiring.sections))?;
    Ok(Assembled {
        routes,
        file_routes,
        jobs,
        schedule,
        profile: wiring.profile,
    })
}
