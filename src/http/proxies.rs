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
    match (ip.to_canonical(), network.to_canonical()) {
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

/// One `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`).
fn hop_address(hop: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(hop).ok()?.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (address, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The client: the peer itself unless it is a trusted proxy; then the nearest address in
/// `X-Forwarded-For` (read from the right, as each proxy appends) that is not a trusted proxy.
/// Addresses a client wrote itself, left of the first untrusted one, are never believed; an
/// entry that is not an address stops the walk. IPv4 addresses in IPv6 form count as IPv4.
pub fn client_of(peer: IpAddr, forwarded: &[&[u8]], proxies: &[String]) -> IpAddr {
    let peer = peer.to_canonical();
    let mut client = peer;
    if !trusted(peer, proxies) {
        return client;
    }
    for hop in forwarded.iter().rev() {
        let Some(ip) = hop_address(hop).map(|ip| ip.to_canonical()) else {
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
            client_of(ip("203.0.113.5"), &[b"198.51.100.1"], &proxies),
            ip("203.0.113.5")
        );
        // Through the load balancer: the address it appended.
        assert_eq!(
            client_of(ip("10.1.2.3"), &[b"198.51.100.1"], &proxies),
            ip("198.51.100.1")
        );
        // A forged entry left of the real one is skipped; two proxies in a row are passed.
        assert_eq!(
            client_of(ip("10.1.2.3"), &[b"6.6.6.6", b" 198.51.100.1", b"192.0.2.7"], &proxies),
            ip("198.51.100.1")
        );
        // Garbage stops the walk at the last good address.
        assert_eq!(client_of(ip("10.1.2.3"), &[b"junk"], &proxies), ip("10.1.2.3"));
        assert_eq!(client_of(ip("10.1.2.3"), &[], &[]), ip("10.1.2.3"));
        // IPv4 in IPv6 form, ports, and bytes that are not text.
        assert_eq!(
            client_of(ip("::ffff:10.1.2.3"), &[b"198.51.100.1:5678"], &proxies),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_of(ip("10.1.2.3"), &[b"[2001:db8::1]:443"], &proxies),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_of(ip("10.1.2.3"), &[b"\xff\xfe", b"198.51.100.1"], &proxies),
            ip("198.51.100.1")
        );
        assert!(parse("10.0.0.0/33").is_none());
        assert!(parse("fd00::/8").is_some());
        assert!(parse("localhost").is_none());
    }
}
