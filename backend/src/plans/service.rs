//! The plans service other capabilities read limits through: a user's plan follows from
//! the entitlements they hold now (see [`super::store`]), so a lapse takes effect at its
//! time without anything running.

use std::sync::Arc;

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::capability::profile::{Column, NOW};
use crate::config::{PlanLimits, PlansConfig};
use crate::platform::clock::Clock;
use crate::platform::db::Db;

/// The plans there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanName {
    Free,
    Plus,
}

impl PlanName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Plus => "plus",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "free" => Some(Self::Free),
            "plus" => Some(Self::Plus),
            _ => None,
        }
    }
}

/// Which plan a user is on, and what it lets them do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub name: PlanName,
    pub limits: PlanLimits,
}

/// The profile column holding the user's plan.
const PROFILE_COLUMN: &str = "plans_plan";

#[derive(Clone)]
pub struct Plans {
    db: Db,
    clock: Clock,
    config: Arc<PlansConfig>,
}

impl Plans {
    pub fn new(db: Db, clock: Clock, config: PlansConfig) -> Self {
        Self {
            db,
            clock,
            config: Arc::new(config),
        }
    }

    /// `user_id`'s plan now (one statement, the same text every call).
    pub async fn of(&self, user_id: &str) -> sqlx::Result<Plan> {
        let name: String = self.plan_query(user_id, self.clock.now_ms()).fetch_one(self.db.pool()).await?;
        Ok(self.named(PlanName::parse(&name).unwrap_or(PlanName::Free)))
    }

    /// `user_id`'s plan at `now_ms`, read through `conn`: inside a caller's transaction,
    /// which on SQLite must not wait for a second connection of the pool.
    pub async fn of_in(&self, conn: &mut AnyConnection, user_id: &str, now_ms: i64) -> sqlx::Result<Plan> {
        let name: String = self.plan_query(user_id, now_ms).fetch_one(conn).await?;
        Ok(self.named(PlanName::parse(&name).unwrap_or(PlanName::Free)))
    }

    fn plan_query<'q>(
        &self,
        user_id: &'q str,
        now_ms: i64,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Any, String, sqlx::any::AnyArguments> {
        let sql = format!("SELECT {} AS plan", self.plan_sql("$1", "$2"));
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(now_ms)
    }

    /// The column the plans capability's profile section selects the user's plan as
    /// (`'free'` or `'plus'`), at the request's time.
    pub(super) fn profile_column(&self) -> Column {
        Column {
            name: PROFILE_COLUMN,
            sql: self.plan_sql("u.id", NOW),
        }
    }

    /// The user's plan as the profile's query selected it: the plans section selects it
    /// once, for every section that needs it (the vault's quota, capture's allowance) —
    /// a capability that holds this service is wired after plans, so the column is there.
    pub fn from_profile_row(&self, row: &AnyRow) -> sqlx::Result<Plan> {
        let name: String = sqlx::Row::try_get(row, PROFILE_COLUMN)?;
        Ok(self.named(PlanName::parse(&name).unwrap_or(PlanName::Free)))
    }

    /// The plan called `name`, with its limits.
    pub fn named(&self, name: PlanName) -> Plan {
        let limits = match name {
            PlanName::Free => self.config.free,
            PlanName::Plus => self.config.plus,
        };
        Plan { name, limits }
    }

    /// A scalar SQL expression naming the plan (`'free'` or `'plus'`) of the user whose
    /// id is `user_id` at `now_ms` (each a column, a parameter or a literal). Entitlement
    /// identifiers are checked at start to be plain (letters, digits, `_`, `-`, `.`), so
    /// they are written into the SQL as literals.
    fn plan_sql(&self, user_id: &str, now_ms: &str) -> String {
        let ids = self
            .config
            .plus_entitlements
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "CASE WHEN EXISTS (SELECT 1 FROM plan_entitlements e WHERE e.user_id = {user_id} \
             AND e.entitlement_id IN ({ids}) AND (e.expires_at IS NULL OR e.expires_at > {now_ms})) \
             THEN 'plus' ELSE 'free' END"
        )
    }

    pub(super) fn config(&self) -> &PlansConfig {
        &self.config
    }
}
