//! The signed-in user's profile (`GET /v1/me`), composed of sections: accounts serves
//! the user, and any capability may add fields of its own (the vault adds what the
//! user keeps) without accounts knowing it exists.
//!
//! Sections are registered while capabilities are wired and fixed when wiring ends;
//! their fields join the profile's OpenAPI schema then, so the document describes the
//! composed answer.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::openapi::{OpenApi, RefOr};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Fields one capability adds to the profile.
pub trait ProfileSection: Send + Sync + 'static {
    /// The section's shape: an object schema whose properties join the profile's.
    fn schema(&self) -> RefOr<Schema>;
    /// This user's fields.
    fn read<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, anyhow::Result<Map<String, Value>>>;
}

/// A section read by an async function returning a serialisable struct `T`, whose
/// schema is `T`'s.
pub struct SectionFn<T, F> {
    read: F,
    _shape: std::marker::PhantomData<fn() -> T>,
}

impl<T, F, Fut> SectionFn<T, F>
where
    T: Serialize + ToSchema + Send + 'static,
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
{
    pub fn new(read: F) -> Self {
        Self {
            read,
            _shape: std::marker::PhantomData,
        }
    }
}

impl<T, F, Fut> ProfileSection for SectionFn<T, F>
where
    T: Serialize + ToSchema + Send + 'static,
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
{
    fn schema(&self) -> RefOr<Schema> {
        T::schema()
    }

    fn read<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, anyhow::Result<Map<String, Value>>> {
        let fields = (self.read)(user_id.to_string());
        Box::pin(async move {
            match serde_json::to_value(fields.await?)? {
                Value::Object(map) => Ok(map),
                other => anyhow::bail!("a profile section must be an object, not {other}"),
            }
        })
    }
}

/// The profile's sections, fixed once every capability is wired.
#[derive(Clone, Default)]
pub struct Profile {
    sections: Arc<OnceLock<Vec<Arc<dyn ProfileSection>>>>,
}

impl Profile {
    /// The OpenAPI schema the sections' fields join: the answer of `GET /v1/me`.
    pub const SCHEMA: &'static str = "MeView";

    /// Every section's fields for `user_id`, in the order the sections were registered.
    pub async fn read(&self, user_id: &str) -> anyhow::Result<Map<String, Value>> {
        let mut fields = Map::new();
        for section in self.sections.get().map(Vec::as_slice).unwrap_or_default() {
            fields.extend(section.read(user_id).await?);
        }
        Ok(fields)
    }

    pub(super) fn fix(&self, sections: Vec<Arc<dyn ProfileSection>>) -> anyhow::Result<()> {
        self.sections
            .set(sections)
            .map_err(|_| anyhow::anyhow!("the profile's sections were already fixed"))
    }

    /// Adds the sections' properties to the [`Profile::SCHEMA`] component: to its
    /// object part when it is a composition (`allOf`), else to the object itself.
    pub(super) fn describe(&self, openapi: &mut OpenApi) {
        let sections = self.sections.get().map(Vec::as_slice).unwrap_or_default();
        let Some(RefOr::T(profile)) = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut(Self::SCHEMA))
        else {
            return;
        };
        let target: &mut Object = match profile {
            Schema::Object(object) => object,
            Schema::AllOf(all_of) => {
                let has_object = all_of
                    .items
                    .iter()
                    .any(|item| matches!(item, RefOr::T(Schema::Object(_))));
                if !has_object {
                    all_of.items.push(RefOr::T(Schema::Object(Object::new())));
                }
                match all_of.items.iter_mut().rev().find_map(|item| match item {
                    RefOr::T(Schema::Object(object)) => Some(object),
                    _ => None,
                }) {
                    Some(object) => object,
                    None => return,
                }
            }
            _ => return,
        };
        for section in sections {
            if let RefOr::T(Schema::Object(shape)) = section.schema() {
                target.properties.extend(shape.properties);
                target.required.extend(shape.required);
            }
        }
    }
}
