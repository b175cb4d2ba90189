//! A fake of Anthropic's Messages API: `POST /v1/messages` with `x-api-key`,
//! `anthropic-version` and a JSON body (model, max_tokens, messages; tools and
//! tool_choice when given must agree). Answers a message whose content is the forced
//! tool's `tool_use` block with the input the test set, `stop_reason: "tool_use"` and
//! usage; errors as `{"type": "error", "error": {"type", "message"}}` (401
//! authentication_error, 400 invalid_request_error, 429 rate_limit_error, 500 api_error,
//! 529 overloaded_error).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Script, Scripted, request_id, respond, serve};

pub struct FakeAnthropic {
    pub address: SocketAddr,
    state: Arc<Shared>,
}

struct Shared {
    key: String,
    script: Script,
    tool_input: Mutex<Value>,
}

impl FakeAnthropic {
    /// Starts the fake, accepting `key`.
    pub async fn start(key: &str) -> anyhow::Result<Self> {
        let state = Arc::new(Shared {
            key: key.to_string(),
            script: Script::default(),
            tool_input: Mutex::new(json!({})),
        });
        let router = axum::Router::new()
            .route("/v1/messages", post(messages))
            .with_state(state.clone());
        Ok(Self {
            address: serve(router).await?,
            state,
        })
    }

    /// The base URL to configure (`ANTHROPIC_URL`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The input of the `tool_use` block the next answers carry.
    pub fn answers(&self, tool_input: Value) {
        *self.state.tool_input.lock().unwrap() = tool_input;
    }
}

impl Scripted for FakeAnthropic {
    fn scripted(&self) -> &Script {
        &self.state.script
    }
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"type": "error", "error": {"type": kind, "message": message}});
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert("request-id", HeaderValue::from_str(&request_id()).unwrap());
    response
}

fn invalid(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_request_error", message)
}

async fn messages(State(state): State<Arc<Shared>>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 32 * 1024 * 1024).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            "Request exceeds the maximum allowed size.",
        );
    };
    state.script.record(&parts, &body);
    let key = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if key != Some(state.key.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        );
    }
    if parts.headers.get("anthropic-version").is_none() {
        return invalid("anthropic-version: header is required");
    }
    let json_body = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_body {
        return invalid("Content-Type must be application/json");
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return invalid("The request body is not valid JSON.");
    };
    let tool = match check(&request) {
        Ok(tool) => tool,
        Err(message) => return invalid(&message),
    };
    let by_status = |status: StatusCode| match status.as_u16() {
        429 => error(
            status,
            "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit",
        ),
        529 => error(status, "overloaded_error", "Overloaded"),
        401 => error(status, "authentication_error", "invalid x-api-key"),
        400 => invalid("messages: at least one message is required"),
        _ => error(status, "api_error", "Internal server error"),
    };
    respond(
        state.script.next(),
        || answer(&state, &request, tool),
        "{\"content\": [",
        by_status,
    )
    .await
}

/// The request's shape as the real API checks it; the forced tool's name, if any.
fn check(request: &Value) -> Result<Option<String>, String> {
    request
        .get("model")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .ok_or("model: Field required")?;
    request
        .get("max_tokens")
        .and_then(Value::as_u64)
        .filter(|n| *n >= 1)
        .ok_or("max_tokens: Field required")?;
    let messages = request
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or("messages: at least one message is required")?;
    for message in messages {
        let role = message.get("role").and_then(Value::as_str);
        if !matches!(role, Some("user") | Some("assistant")) {
            return Err("messages.0.role: Input should be 'user' or 'assistant'".into());
        }
        match message.get("content") {
            Some(Value::String(text)) if !text.is_empty() => {}
            Some(Value::Array(blocks)) if !blocks.is_empty() => {
                for block in blocks {
                    check_block(block)?;
                }
            }
            _ => return Err("messages.0.content: Field required".into()),
        }
    }
    let tools: Vec<&str> = match request.get("tools") {
        None => Vec::new(),
        Some(Value::Array(tools)) => tools
            .iter()
            .map(|tool| {
                let name = tool
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or("tools.0.name: Field required")?;
                let schema_type = tool.pointer("/input_schema/type").and_then(Value::as_str);
                if schema_type != Some("object") {
                    return Err("tools.0.input_schema.type: Input should be 'object'".to_string());
                }
                Ok(name)
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err("tools: Input should be a valid list".into()),
    };
    match request.get("tool_choice") {
        None => Ok(None),
        Some(choice) => match choice.get("type").and_then(Value::as_str) {
            Some("tool") => {
                let name = choice
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or("tool_choice.name: Field required")?;
                if !tools.contains(&name) {
                    return Err(format!("tool_choice: tool {name:?} is not among the tools"));
                }
                Ok(Some(name.to_string()))
            }
            Some("auto" | "any" | "none") => Ok(None),
            _ => Err("tool_choice.type: Input tag is not one of 'auto', 'any', 'tool', 'none'".into()),
        },
    }
}

/// A content block: text, or an image or document sent as base64.
fn check_block(block: &Value) -> Result<(), String> {
    match block.get("type").and_then(Value::as_str) {
        Some("text") => block
            .get("text")
            .and_then(Value::as_str)
            .map(|_| ())
            .ok_or("text: Field required".into()),
        Some(kind @ ("image" | "document")) => {
            let source = block.get("source").ok_or("source: Field required")?;
            if source.get("type").and_then(Value::as_str) != Some("base64") {
                return Err("source.type: only base64 is accepted here".into());
            }
            let media = source
                .get("media_type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let allowed: &[&str] = if kind == "image" {
                &["image/jpeg", "image/png", "image/gif", "image/webp"]
            } else {
                &["application/pdf"]
            };
            if !allowed.contains(&media) {
                return Err(format!(
                    "source.media_type: {media:?} is not supported for {kind}"
                ));
            }
            let data = source.get("data").and_then(Value::as_str).unwrap_or_default();
            if data.is_empty()
                || !data
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
            {
                return Err("source.data: not valid base64".into());
            }
            Ok(())
        }
        _ => Err("content block type is not one of text, image, document".into()),
    }
}

fn answer(state: &Shared, request: &Value, tool: Option<String>) -> Response {
    let model = request["model"].as_str().unwrap_or_default();
    let input_tokens = (request.to_string().len() / 4) as u64;
    let content = match &tool {
        Some(name) => json!([{
            "type": "tool_use",
            "id": format!("toolu_{}", request_id()),
            "name": name,
            "input": state.tool_input.lock().unwrap().clone(),
        }]),
        None => json!([{"type": "text", "text": "Noted."}]),
    };
    let output_tokens = (content.to_string().len() / 4) as u64;
    let body = json!({
        "id": format!("msg_{}", request_id()),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": if tool.is_some() { "tool_use" } else { "end_turn" },
        "stop_sequence": null,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}
