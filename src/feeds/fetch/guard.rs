//! The SSRF guard: which addresses a request may reach.
//!
//! Feed and page content names URLs we did not choose (images, article links, redirects), so
//! every request is checked twice:
//! - before connecting, a literal IP host (`http://10.0.0.1/`) is checked here by
//!   [`check_literal_host`] (the HTTP connector does not resolve literals, so the resolver never
//!   sees them);
//! - at connect time, host names go through [`GuardedResolver`], which drops non-public
//!   addresses from DNS answers (so a public name that resolves, or re-resolves, to
//!   `169.254.169.254` is refused: no DNS rebinding window between check and connect).
//!
//! The one exception is the origin of a feed the user subscribed to directly (an intranet or
//! `127.0.0.1` feed): requests to exactly that origin go through a second client whose resolver
//! also accepts private addresses, but only for host names in the shared trusted set that
//! [`super::Fetcher`] fills before sending such a request.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, RwLock};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Origin, Url};

/// The origin (scheme, host, port with the scheme's default filled in) of `url`.
///
/// Two URLs are "the same origin" when their origins are equal; `file:` and other non-network
/// URLs get opaque origins, which equal nothing else.
pub fn origin_of(url: &Url) -> Origin {
    url.origin()
}

/// Whether `ip` is an ordinary public unicast address that content-named URLs may reach.
///
/// Refused (returns `false`): unspecified (`0.0.0.0/8`, `::`), loopback (`127/8`, `::1`),
/// private (`10/8`, `172.16/12`, `192.168/16`, `fc00::/7`), link-local (`169.254/16`,
/// `fe80::/10`), CGNAT (`100.64/10`), multicast (`224/4`, `ff00::/8`), broadcast and reserved
/// (`240/4`), the IETF protocol block `192.0.0/24`, documentation and benchmarking ranges,
/// deprecated site-local `fec0::/10`, the discard prefix `100::/64`, and `2001:db8::/32`.
/// IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
/// `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that IPv4 address.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network", incl. 0.0.0.0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224; // multicast 224/4, reserved 240/4, broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if let Some(v4) = embedded_v4(&ip) {
        return is_public_v4(v4);
    }
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0) // discard 100::/64
        || s[0] == 0; // the rest of ::/16 is reserved (mapped/compatible handled above)
    !refused
}

/// The IPv4 address carried inside an IPv6 address, for the forms that route to it.
fn embedded_v4(ip: &Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let o = ip.octets();
    let last32 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if s[..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || s[5] == 0) && !(s[5] == 0 && s[6] == 0) {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; not :: or ::1)
        return Some(last32);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(last32); // NAT64 well-known prefix
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5])); // 6to4
    }
    None
}

/// The literal IP address of `url`'s host, if it is one and it is not public.
pub(crate) fn blocked_literal(url: &Url) -> Option<IpAddr> {
    let ip = match url.host()? {
        Host::Ipv4(v4) => IpAddr::V4(v4),
        Host::Ipv6(v6) => IpAddr::V6(v6),
        Host::Domain(_) => return None,
    };
    (!is_public_ip(ip)).then_some(ip)
}

/// The shared set of host names whose private addresses the trusting client may connect to.
pub(crate) type TrustedHosts = Arc<RwLock<HashSet<String>>>;

/// Resolution refused because every address of a host was non-public.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves only to non-public addresses (first: {addr})")]
pub(crate) struct BlockedAddress {
    pub(crate) host: String,
    pub(crate) addr: IpAddr,
}

/// A resolver that keeps only public addresses, except for trusted host names.
///
/// `trusted: None` (the strict client) never returns a non-public address.
pub(crate) struct GuardedResolver {
    pub(crate) trusted: Option<TrustedHosts>,
}

impl GuardedResolver {
    fn allows_private(&self, host: &str) -> bool {
        self.trusted.as_ref().is_some_and(|set| {
            set.read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .contains(host)
        })
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let allow_private = self.allows_private(&host);
        Box::pin(async move {
            let lookup = host.clone();
            let addrs: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                (lookup.as_str(), 0)
                    .to_socket_addrs()
                    .map(Iterator::collect)
            })
            .await??;
            if allow_private {
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let (public, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                addrs.into_iter().partition(|a| is_public_ip(a.ip()));
            match (public.is_empty(), refused.first()) {
                (true, Some(first)) => Err(Box::new(BlockedAddress {
                    host,
                    addr: first.ip(),
                }) as _),
                _ => Ok(Box::new(public.into_iter()) as Addrs),
            }
        })
    }
}

/// The refused address if `err` (or anything in its source chain) is a [`BlockedAddress`].
pub(crate) fn find_blocked(err: &(dyn std::error::Error + 'static)) -> Option<IpAddr> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(b) = e.downcast_ref::<BlockedAddress>() {
            return Some(b.addr);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> bool {
        is_public_ip(s.parse().unwrap())
    }

    #[test]
    fn ipv4_ranges() {
        for refused in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.8.9.10",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!v4(refused), "{refused} must be refused");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "169.253.1.1",
            "192.169.0.1",
            "223.255.255.254",
        ] {
            assert!(v4(public), "{public} is public");
        }
    }

    #[test]
    fn ipv6_ranges() {
        for refused in [
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "100::1",
            // IPv4 carried inside IPv6
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "2002:c0a8:0101::1", // 6to4 of 192.168.1.1
        ] {
            assert!(!v4(refused), "{refused} must be refused");
        }
        for public in [
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert!(v4(public), "{public} is public");
        }
    }

    #[test]
    fn literal_hosts_are_checked_without_dns() {
        let blocked = |s: &str| blocked_literal(&Url::parse(s).unwrap());
        assert_eq!(
            blocked("http://127.0.0.1:8080/x"),
            Some("127.0.0.1".parse().unwrap())
        );
        assert_eq!(blocked("http://[::1]/"), Some("::1".parse().unwrap()));
        // WHATWG host parsing turns these spellings into 127.0.0.1 before we look.
        assert!(blocked("http://0x7f.1/").is_some());
        assert!(blocked("http://2130706433/").is_some());
        assert_eq!(blocked("http://8.8.8.8/"), None);
        assert_eq!(
            blocked("http://localhost/"),
            None,
            "names are the resolver's job"
        );
    }

    #[test]
    fn origins_include_scheme_and_default_port() {
        let a = origin_of(&Url::parse("http://127.0.0.1/feed").unwrap());
        assert_eq!(
            a,
            origin_of(&Url::parse("http://127.0.0.1:80/img.png").unwrap())
        );
        assert_ne!(a, origin_of(&Url::parse("http://127.0.0.1:81/").unwrap()));
        assert_ne!(a, origin_of(&Url::parse("https://127.0.0.1/").unwrap()));
    }
}
