use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address: the TCP peer, or what a trusted proxy says the client was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The proxies (Cloudflare, the ALB) whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Headers count only when the peer is trusted. Then `CF-Connecting-IP` wins; else
    /// `X-Forwarded-For` is read from the right, skipping trusted hops, and the first
    /// untrusted address is the client. Anything a client could forge is never used.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        if let Some(ip) = header_ip(headers, "cf-connecting-ip") {
            return ip;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|item| item.trim().parse::<IpAddr>().ok().map(canonical))
            .collect();
        forwarded
            .iter()
            .rev()
            .find(|ip| !self.trusts(**ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer)
    }
}

fn header_ip(headers: &HeaderMap, name: &str) -> Option<IpAddr> {
    headers
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .map(canonical)
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new(vec!["10.0.0.0/16".parse().unwrap()])
    }

    #[test]
    fn an_untrusted_peer_cannot_set_its_address() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let h = headers(&[("cf-connecting-ip", "1.2.3.4"), ("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(proxies().client_ip(peer, &h), peer);
    }

    #[test]
    fn a_trusted_peer_passes_cloudflares_header() {
        let h = headers(&[
            ("cf-connecting-ip", "198.51.100.7"),
            ("x-forwarded-for", "1.1.1.1"),
        ]);
        assert_eq!(
            proxies().client_ip("10.0.1.5".parse().unwrap(), &h),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn forwarded_for_is_read_from_the_right_past_trusted_hops() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.2.3")]);
        assert_eq!(
            proxies().client_ip("10.0.1.5".parse().unwrap(), &h),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn a_trusted_peer_without_headers_is_the_client() {
        let peer: IpAddr = "10.0.1.5".parse().unwrap();
        assert_eq!(proxies().client_ip(peer, &HeaderMap::new()), peer);
    }
}
