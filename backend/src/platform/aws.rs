//! The AWS SDK's shared configuration: the standard credential chain (environment,
//! profile, the ECS task role, instance metadata), one region, and one TLS stack
//! (rustls on ring, as the database driver uses).

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

pub async fn sdk_config(region: &str) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .http_client(http)
        .load()
        .await
}
