//! Claude through Anthropic's Messages API: `POST /v1/messages` with `x-api-key` and an
//! explicit `anthropic-version`, one tool whose JSON schema is the shape of a proposal,
//! and `tool_choice` forcing it — the answer is the tool's input, structured, never
//! prose to parse. Whatever it proposes is checked as the items API would check it: a
//! field that does not pass is dropped (or set to a safe default) and marked unsure.

use reqwest::header::CONTENT_TYPE;
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::Instrument;

use super::{BoxFuture, CallError, Extraction, Extractor, Service, Situation, answered, classify, retry_after, transport};
use crate::capture::domain::document::{DOCUMENT_KINDS, DocumentSuggestions, Suggested};
use crate::capture::domain::{MAX_PROPOSALS, Proposal};
use crate::config::Provider;
use crate::items::NewItemRequest;

/// The API version every request names.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
const TOOL: &str = "propose_items";
const DOCUMENT_TOOL: &str = "suggest_document_details";
const SERVICE: Service = Service {
    name: "Understanding (Claude)",
    label: "anthropic",
};

pub struct Claude {
    http: reqwest::Client,
    provider: Provider,
}

impl Claude {
    pub fn new(http: reqwest::Client, provider: Provider) -> Self {
        Self { http, provider }
    }

    /// Sends `body` to the Messages API; the forced tool's input and the usage.
    pub async fn call_tool(&self, body: Value) -> Result<(Value, i64, i64), CallError> {
        let span = crate::telemetry::external_call(SERVICE.label, "messages");
        self.call_tool_traced(body).instrument(span).await
    }

    async fn call_tool_traced(&self, body: Value) -> Result<(Value, i64, i64), CallError> {
        let tool = body["tool_choice"]["name"].as_str().unwrap_or(TOOL).to_string();
        let tool = tool.as_str();
        let response = self
            .http
            .post(format!("{}/v1/messages", self.provider.url))
            .header("x-api-key", self.provider.key.expose())
            .header("anthropic-version", ANTHROPIC_VERSION)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| transport(SERVICE, &e))?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(|e| transport(SERVICE, &e))?;
        if !status.is_success() {
            let message = serde_json::from_slice::<Refusal>(&bytes)
                .map(|r| r.error.message)
                .unwrap_or_default();
            return Err(classify(SERVICE, status, wait, &message));
        }
        answered(SERVICE);
        let malformed = || CallError::Transient {
            reason: format!("{SERVICE} answered in a shape Softly does not understand"),
            retry_after: None,
        };
        let message: Message = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
        if message.stop_reason.as_deref() != Some("tool_use") {
            return Err(malformed());
        }
        let input = message
            .content
            .into_iter()
            .find(|block| block.kind == "tool_use" && block.name.as_deref() == Some(tool))
            .and_then(|block| block.input)
            .ok_or_else(malformed)?;
        Ok((input, message.usage.input_tokens, message.usage.output_tokens))
    }

    /// The request for `text`.
    fn request(&self, text: &str, situation: &Situation) -> Value {
        let system = format!(
            "You turn what a person said or typed into items for Softly, an app that reminds people of \
             renewals, expiry dates, bills, appointments and to-dos. Today is {} ({}), in the time zone {}. \
             Propose one item per thing to remember, at most {MAX_PROPOSALS}. Resolve relative dates \
             (\"next Friday\", \"in two weeks\") against today; a date without a year is the next one \
             on or after today. Use an RRULE (FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT, UNTIL) \
             only for something that repeats. Amounts are in minor units (pence, cents) with an ISO \
             4217 currency. Keep titles short, in the person's words, without the date. When the \
             person gave no date, use today and set confidence below 0.5. Propose nothing for chatter.",
            situation.today,
            situation.today.strftime("%A"),
            situation.time_zone,
        );
        json!({
            "model": self.provider.model,
            "max_tokens": 2048,
            "system": system,
            "tools": [{
                "name": TOOL,
                "description": "Propose the items the person's words describe, for them to review.",
                "input_schema": proposal_schema(),
            }],
            "tool_choice": {"type": "tool", "name": TOOL},
            "messages": [{"role": "user", "content": text}],
        })
    }
}

impl Claude {
    /// What the document in `bytes` (an image or a PDF, `media_type`) says of itself; the
    /// model and the tokens it took.
    pub async fn read_document(&self, bytes: &[u8], media_type: &str) -> Result<(DocumentSuggestions, String, i64, i64), CallError> {
        use base64::Engine;
        let block_type = if media_type == "application/pdf" { "document" } else { "image" };
        let field = |description: &str| {
            json!({
                "type": "object",
                "properties": {
                    "value": {"type": "string", "description": description},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "required": ["value", "confidence"],
            })
        };
        let body = json!({
            "model": self.provider.model,
            "max_tokens": 1024,
            "system": "You read an identity document, licence, insurance paper, bill or certificate for Softly, \
                       which reminds its owner before it expires. Report only what the document itself shows; \
                       leave out any field you cannot read. Dates as YYYY-MM-DD.",
            "tools": [{
                "name": DOCUMENT_TOOL,
                "description": "Suggest the document's details, for its owner to review.",
                "input_schema": {
                    "type": "object",
                    "properties": {
                        "kind": field(&format!("one of {}", DOCUMENT_KINDS.join(", "))),
                        "title": field("a short name for it, e.g. UK passport, Car insurance (Admiral)"),
                        "issuing_country": field("ISO 3166 alpha-3 code"),
                        "issued_on": field("YYYY-MM-DD"),
                        "expires_on": field("YYYY-MM-DD: expiry, valid until or renewal date"),
                        "document_number": field("the document or policy number"),
                    },
                },
            }],
            "tool_choice": {"type": "tool", "name": DOCUMENT_TOOL},
            "messages": [{
                "role": "user",
                "content": [
                    {"type": block_type, "source": {
                        "type": "base64",
                        "media_type": media_type,
                        "data": base64::engine::general_purpose::STANDARD.encode(bytes),
                    }},
                    {"type": "text", "text": "Read this document's details."},
                ],
            }],
        });
        let (input, input_tokens, output_tokens) = self.call_tool(body).await?;
        let read = |name: &str| {
            let field = input.get(name)?;
            let value = field.get("value")?.as_str()?;
            let confidence = field.get("confidence").and_then(Value::as_f64).unwrap_or(0.5);
            Some(Suggested::new(value, confidence))
        };
        let suggestions = DocumentSuggestions {
            kind: read("kind"),
            title: read("title"),
            issuing_country: read("issuing_country"),
            issued_on: read("issued_on"),
            expires_on: read("expires_on"),
            document_number: read("document_number"),
        }
        .cleaned();
        Ok((suggestions, self.provider.model.clone(), input_tokens, output_tokens))
    }
}

/// The tool's input: `{items: [...]}`, each the fields of a new item and a confidence.
pub fn proposal_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "maxItems": MAX_PROPOSALS,
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": ["renewal", "expiry", "bill", "appointment", "todo", "warranty", "subscription"]},
                        "title": {"type": "string", "maxLength": 200},
                        "notes": {"type": "string"},
                        "category": {"type": "string", "enum": ["identity", "vehicle", "home", "health", "finance", "pets", "travel", "work", "other"]},
                        "due_on": {"type": "string", "description": "YYYY-MM-DD"},
                        "due_time": {"type": "string", "description": "HH:MM, 24-hour; only when a time was said"},
                        "time_zone": {"type": "string", "description": "IANA zone; only when a place other than the person's own was said"},
                        "recurrence": {"type": "string", "description": "RRULE without the RRULE: prefix"},
                        "amount_minor": {"type": "integer", "minimum": 0},
                        "currency": {"type": "string", "description": "ISO 4217"},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    },
                    "required": ["kind", "title", "due_on", "confidence"],
                },
            },
        },
        "required": ["items"],
    })
}

#[derive(Deserialize)]
struct Message {
    content: Vec<Block>,
    stop_reason: Option<String>,
    usage: Usage,
}

#[derive(Deserialize)]
struct Block {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    input: Option<Value>,
}

#[derive(Deserialize)]
struct Usage {
    input_tokens: i64,
    output_tokens: i64,
}

/// `{"type": "error", "error": {"type", "message"}}`.
#[derive(Deserialize)]
struct Refusal {
    error: RefusalError,
}

#[derive(Deserialize)]
struct RefusalError {
    message: String,
}

impl Extractor for Claude {
    fn extract<'a>(&'a self, text: &'a str, situation: &'a Situation) -> BoxFuture<'a, Result<Extraction, CallError>> {
        Box::pin(async move {
            let (input, input_tokens, output_tokens) = self.call_tool(self.request(text, situation)).await?;
            let proposals = input
                .get("items")
                .and_then(Value::as_array)
                .map(|items| items.iter().take(MAX_PROPOSALS).filter_map(|i| proposal(i, situation)).collect())
                .unwrap_or_default();
            Ok(Extraction {
                proposals,
                model: self.provider.model.clone(),
                input_tokens,
                output_tokens,
                local: false,
            })
        })
    }

    fn name(&self) -> &'static str {
        "claude"
    }
}

/// One proposed item as the model gave it, made valid: what the items API refuses is
/// dropped or defaulted, and named in `unsure`.
fn proposal(raw: &Value, situation: &Situation) -> Option<Proposal> {
    let text = |field: &str| raw.get(field).and_then(Value::as_str).map(str::to_string);
    let mut item = NewItemRequest {
        kind: text("kind").unwrap_or_else(|| "todo".into()),
        title: text("title")?,
        notes: text("notes"),
        category: text("category"),
        due_on: text("due_on").unwrap_or_default(),
        due_time: text("due_time"),
        time_zone: text("time_zone"),
        recurrence: text("recurrence").map(|r| r.trim_start_matches("RRULE:").to_string()),
        amount_minor: raw.get("amount_minor").and_then(Value::as_i64),
        currency: text("currency"),
        ..NewItemRequest::default()
    };
    let confidence = raw.get("confidence").and_then(Value::as_f64).unwrap_or(0.5).clamp(0.0, 1.0);
    let mut unsure = Vec::new();
    for _ in 0..12 {
        let Err(invalid) = item.validate() else {
            return Some(Proposal {
                item,
                confidence: (confidence * 100.0).round() / 100.0,
                unsure,
            });
        };
        unsure.push(invalid.field.to_string());
        match invalid.field {
            "kind" => item.kind = "todo".into(),
            "title" => item.title = item.title.chars().take(120).collect::<String>().trim().to_string(),
            "due_on" => item.due_on = situation.today.to_string(),
            "notes" => item.notes = None,
            "category" => item.category = None,
            "due_time" => item.due_time = None,
            "time_zone" => item.time_zone = None,
            "recurrence" | "repeat_from" => item.recurrence = None,
            "amount_minor" | "currency" => (item.amount_minor, item.currency) = (None, None),
            _ => return None,
        }
        if item.title.is_empty() {
            return None;
        }
    }
    None
}
