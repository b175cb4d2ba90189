//! The signed-in user's profile (`GET /v1/me`), composed of sections: accounts serves
//! the user, and any capability may add fields of its own (the vault adds what the
//! user keeps) without accounts knowing it exists.
//!
//! Sections are registered while capabilities are wired and fixed when wiring ends;
//! their fields join the profile's OpenAPI schema then, so the document describes the
//! composed answer.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::openapi::{OpenApi, RefOr};

/// One value a section selects: a scalar SQL expression over the user's id, written
/// `u.id`, and the name it is selected as (prefixed with the capability's name, so two
/// sections never clash). The expression may name the request's time as [`NOW`].
pub struct Column {
    pub name: &'static str,
    pub sql: String,
}

/// The request's time (ms) in a section's SQL: the profile's query binds it as a
/// parameter, so the query's text — and the statement prepared for it — stays the same
/// from one request to the next.
pub const NOW: &str = "{now}";

/// Fields one capability adds to the profile. A section's values are read in the
/// profile's one query (the user, their session and every section: one round trip per
/// `GET /v1/me`), so a section gives SQL, not a query of its own.
pub trait ProfileSection: Send + Sync + 'static {
    /// The section's shape: an object schema whose properties join the profile's.
    fn schema(&self) -> RefOr<Schema>;
    /// What the section selects at `now_ms`.
    fn columns(&self, now_ms: i64) -> Vec<Column>;
    /// This user's fields, from the row its columns were selected into.
    fn fields(&self, row: &AnyRow, now_ms: i64) -> anyhow::Result<Map<String, Value>>;
}

/// A section that selects `columns` and decodes them into a serialisable struct `T`,
/// whose schema is `T`'s.
pub struct SqlSection<T, C, D> {
    columns: C,
    decode: D,
    _shape: std::marker::PhantomData<fn() -> T>,
}

impl<T, C, D> SqlSection<T, C, D>
where
    T: Serialize + ToSchema + 'static,
    C: Fn(i64) -> Vec<Column> + Send + Sync + 'static,
    D: Fn(&AnyRow, i64) -> anyhow::Result<T> + Send + Sync + 'static,
{
    pub fn new(columns: C, decode: D) -> Self {
        Self {
            columns,
            decode,
            _shape: std::marker::PhantomData,
        }
    }
}

impl<T, C, D> ProfileSection for SqlSection<T, C, D>
where
    T: Serialize + ToSchema + 'static,
    C: Fn(i64) -> Vec<Column> + Send + Sync + 'static,
    D: Fn(&AnyRow, i64) -> anyhow::Result<T> + Send + Sync + 'static,
{
    fn schema(&self) -> RefOr<Schema> {
        T::schema()
    }

    fn columns(&self, now_ms: i64) -> Vec<Column> {
        (self.columns)(now_ms)
    }

    fn fields(&self, row: &AnyRow, now_ms: i64) -> anyhow::Result<Map<String, Value>> {
        match serde_json::to_value((self.decode)(row, now_ms)?)? {
            Value::Object(map) => Ok(map),
            other => anyhow::bail!("a profile section must be an object, not {other}"),
        }
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

    /// What every section selects at `now_ms`, as a select list to follow the
    /// profile query's own columns (empty, or starting with a comma).
    pub fn select_list(&self, now_ms: i64) -> String {
        let mut list = String::new();
        for column in self.sections().iter().flat_map(|section| section.columns(now_ms)) {
            let _ = write!(list, ", {} AS {}", column.sql, column.name);
        }
        list
    }

    /// Every section's fields from the row [`Profile::select_list`] was selected into,
    /// in the order the sections were registered.
    pub fn fields(&self, row: &AnyRow, now_ms: i64) -> anyhow::Result<Map<String, Value>> {
        let mut fields = Map::new();
        for section in self.sections() {
            fields.extend(section.fields(row, now_ms)?);
        }
        Ok(fields)
    }

    fn sections(&self) -> &[Arc<dyn ProfileSection>] {
        self.sections.get().map(Vec::as_slice).unwrap_or_default()
    }

    pub(super) fn fix(&self, sections: Vec<Arc<dyn ProfileSection>>) -> anyhow::Result<()> {
        self.sections
            .set(sections)
            .map_err(|_| anyhow::anyhow!("the profile's sections were already fixed"))
    }

    /// Adds the sections' properties to the [`Profile::SCHEMA`] component: to its
    /// object part when it is a composition (`allOf`), else to the object itself.
    pub(super) fn describe(&self, openapi: &mut OpenApi) {
        let sections = self.sections();
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
