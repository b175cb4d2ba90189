//! The one error type at the HTTP edge, rendered as `application/problem+json`
//! (RFC 9457) with a stable machine-readable `code`.
//!
//! Policy: 4xx responses say precisely what the client must change; 5xx responses say
//! only that something failed on our side. Their cause is logged with the request id,
//! never sent.

use std::borrow::Cow;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::codes::{self, Code};

/// An error a handler returns; converted into a problem response whose status is its
/// code's (see [`crate::codes`]).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// What the client must change (4xx), or a named failure (503).
    #[error("{detail}")]
    Problem {
        code: Code,
        detail: Cow<'static, str>,
        /// The request field at fault (422).
        field: Option<&'static str>,
    },
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The problem document (RFC 9457) plus Softly's `code` and, for validation, `field`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `invalid_credentials`.
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl Problem {
    /// The problem document for `code`, its type linking to the docs' errors page.
    pub fn of(code: Code, detail: String, field: Option<&'static str>) -> Self {
        let status = StatusCode::from_u16(code.status).expect("registry statuses are valid");
        Self {
            kind: format!("https://docs.mysoftly.app/errors#{}", code.name),
            title: status.canonical_reason().unwrap_or("Error"),
            status: code.status,
            detail,
            code: code.name,
            field,
        }
    }
}

impl ApiError {
    pub const NOT_FOUND: Self = Self::new(codes::NOT_FOUND, "There is nothing here, or it is not yours.");
    pub const METHOD_NOT_ALLOWED: Self = Self::new(
        codes::METHOD_NOT_ALLOWED,
        "This resource does not answer that method.",
    );
    pub const PAYLOAD_TOO_LARGE: Self = Self::new(codes::PAYLOAD_TOO_LARGE, "the request body is too large");

    /// A problem with a fixed explanation.
    pub const fn new(code: Code, detail: &'static str) -> Self {
        Self::Problem {
            code,
            detail: Cow::Borrowed(detail),
            field: None,
        }
    }

    /// A problem whose explanation is made for this request.
    pub fn explained(code: Code, detail: impl Into<String>) -> Self {
        Self::Problem {
            code,
            detail: Cow::Owned(detail.into()),
            field: None,
        }
    }

    /// A 422 naming the offending field.
    pub fn invalid(field: &'static str, code: Code, detail: impl Into<String>) -> Self {
        Self::Problem {
            code,
            detail: Cow::Owned(detail.into()),
            field: Some(field),
        }
    }

    /// The service cannot answer now (503): the detail is the same for every cause.
    pub const fn unavailable(code: Code) -> Self {
        Self::new(code, "The service is briefly unavailable; try again shortly.")
    }

    /// The problem's code.
    pub fn code(&self) -> Code {
        match self {
            Self::Problem { code, .. } => *code,
            Self::TooManyRequests { .. } => codes::RATE_LIMITED,
            Self::Internal(_) => codes::INTERNAL_ERROR,
        }
    }
}

/// A query string that does not read as the endpoint's parameters: 400.
impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Self::explained(codes::INVALID_QUERY, rejection.body_text())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::error!(error = %error, "database unavailable");
                Self::unavailable(codes::DATABASE_UNAVAILABLE)
            }
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let status = StatusCode::from_u16(code.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail = match &self {
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed");
                "Something went wrong on our side; it has been logged.".to_string()
            }
            Self::TooManyRequests { retry_after } => {
                format!(
                    "Too many attempts; try again in {} seconds.",
                    retry_after.as_secs().max(1)
                )
            }
            Self::Problem { detail, .. } => detail.to_string(),
        };
        let field = match &self {
            Self::Problem { field, .. } => *field,
            _ => None,
        };
        let problem = Problem::of(code, detail, field);
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Self::TooManyRequests { retry_after } = &self {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after.as_secs().max(1)),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
