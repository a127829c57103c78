//! The client's address behind trusted proxies (`server.trusted_proxies`).

use std::net::IpAddr;

/// A proxy entry: one address, or a network as `address/prefix`.
pub fn parse(entry: &str) -> Option<(IpAddr, u8)> {
    let (address, prefix) = match entry.trim().split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (entry.trim(), None),
    };
    let ip: IpAddr = address.parse().ok()?;
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(p) => p.parse::<u8>().ok().filter(|p| *p <= bits)?,
        None => bits,
    };
    Some((ip, prefix))
}

fn within(ip: IpAddr, (network, prefix): (IpAddr, u8)) -> bool {
    match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn trusted(ip: IpAddr, proxies: &[String]) -> bool {
    proxies.iter().filter_map(|p| parse(p)).any(|p| within(ip, p))
}

/// The client: the peer itself unless it is a trusted proxy; then the nearest address in
/// `X-Forwarded-For` (read from the right, as each proxy appends) that is not a trusted proxy.
/// Addresses a client wrote itself, left of the first untrusted one, are never believed.
pub fn client_of(peer: IpAddr, forwarded: &[&str], proxies: &[String]) -> IpAddr {
    let mut client = peer;
    if !trusted(peer, proxies) {
        return client;
    }
    for hop in forwarded.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted(ip, proxies) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxies = vec!["10.0.0.0/8".to_string(), "192.0.2.7".to_string()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Direct: the header is the client's own claim.
        assert_eq!(
            client_of(ip("203.0.113.5"), &["198.51.100.1"], &proxies),
            ip("203.0.113.5")
        );
        // Through the load balancer: the address it appended.
        assert_eq!(
            client_of(ip("10.1.2.3"), &["198.51.100.1"], &proxies),
            ip("198.51.100.1")
        );
        // A forged entry left of the real one is skipped; two proxies in a row are passed.
        assert_eq!(
            client_of(ip("10.1.2.3"), &["6.6.6.6", " 198.51.100.1", "192.0.2.7"], &proxies),
            ip("198.51.100.1")
        );
        // Garbage stops the walk at the last good address.
        assert_eq!(client_of(ip("10.1.2.3"), &["junk"], &proxies), ip("10.1.2.3"));
        assert_eq!(client_of(ip("10.1.2.3"), &[], &[]), ip("10.1.2.3"));
        assert!(parse("10.0.0.0/33").is_none());
        assert!(parse("fd00::/8").is_some());
        assert!(parse("localhost").is_none());
    }
}
