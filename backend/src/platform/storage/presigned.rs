use std::time::Duration;

/// A request a client may send straight to the store, without our credentials: the
/// method, the URL carrying its signature, and headers it must send unchanged.
#[derive(Debug, Clone)]
pub struct Presigned {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// How a presigned download should be answered by the store.
#[derive(Debug, Clone)]
pub struct DownloadAs<'a> {
    pub content_type: &'a str,
    pub content_disposition: &'a str,
    pub expires_in: Duration,
}
