//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Softly API",
        description = "One calm place for the stuff that quietly piles up. JSON over HTTPS; errors are application/problem+json (RFC 9457) with a stable `code`.",
    ),
    servers(
        (url = "https://api.mysoftly.app", description = "Production"),
        (url = "http://localhost:3000", description = "The embedded default (`cargo run`)"),
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions, passwords, profile"),
        (name = "vault", description = "Documents: uploads, downloads, thumbnails, quota"),
        (name = "plans", description = "Plans and their limits; RevenueCat's webhook, which says who has which"),
        (name = "items", description = "Items and reminders: renewals, expiries, bills, appointments, to-dos; their repeats, reminder emails, settings and the calendar feed"),
        (name = "platform", description = "Health and the API description"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
