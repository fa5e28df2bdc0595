//! Fetching a person's external calendar from its feed URL (a Google "secret address in iCal
//! format", an Outlook published calendar, an iCloud public calendar), and fetching every such
//! calendar again every [`REFRESH_EVERY`].
//!
//! A URL comes from a user, so the server must not become their way into the network it runs
//! in: unless the operator allows it (`--allow-private-feed-urls`), an address that is not on
//! the public internet (loopback, private ranges, link-local, cloud metadata…) is refused, the
//! connection goes to exactly the address that was checked, and each redirect is checked again.
//! A calendar may be at most [`MAX_CALENDAR_BYTES`]; a fetch takes at most 30 seconds.

use baton_store::{MAX_CALENDAR_BYTES, Store};
use chrono::TimeDelta;
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// How often a calendar read from a URL is fetched again.
pub const REFRESH_EVERY: TimeDelta = TimeDelta::minutes(15);
/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// Checks a feed URL as a user typed it and gives the one to fetch: `webcal://` (what calendar
/// apps publish) reads as `https://`; only HTTP and HTTPS are fetched.
pub fn feed_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    let text = match text.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("webcal") => format!("https://{rest}"),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("webcals") => format!("https://{rest}"),
        _ => text.to_owned(),
    };
    let url = Url::parse(&text).map_err(|e| format!("is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must start with https://, http:// or webcal://, not {}://",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".to_owned());
    }
    Ok(url)
}

/// Fetches a calendar: the body of a successful answer, or why there is none, in words for
/// the person who gave the URL.
pub async fn fetch(url: &Url, allow_private: bool) -> Result<Vec<u8>, String> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let response = send(&url, allow_private).await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| format!("the server answered {status} without a location"))?;
            url = url
                .join(location)
                .map_err(|e| format!("the server redirected to a bad address ({e})"))?;
            url = feed_url(url.as_str())?;
            continue;
        }
        if !status.is_success() {
            return Err(format!("the server answered {status}"));
        }
        return read_capped(response).await;
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// One request, without following redirects, to an address checked to be public (unless
/// private ones are allowed).
async fn send(url: &Url, allow_private: bool) -> Result<reqwest::Response, String> {
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("cannot find the host {host} ({e})"))?
        .collect();
    if addresses.is_empty() {
        return Err(format!("cannot find the host {host}"));
    }
    if !allow_private && let Some(bad) = addresses.iter().find(|a| !is_public(a.ip())) {
        return Err(format!(
            "{host} is at {}, which is not a public internet address; the server's operator \
             can allow such addresses with --allow-private-feed-urls",
            bad.ip()
        ));
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve_to_addrs(bare, &addresses)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!(
            "Baton/",
            env!("CARGO_PKG_VERSION"),
            " (calendar feed)"
        ))
        .build()
        .map_err(|e| format!("cannot fetch ({})", chain(&e)))?;
    client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "text/calendar, */*;q=0.5")
        .send()
        .await
        .map_err(|e| format!("cannot fetch it from {host} ({})", chain(&e)))
}

/// The body, refused once it grows past [`MAX_CALENDAR_BYTES`].
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let too_large = || format!("the calendar is over {} MB", MAX_CALENDAR_BYTES >> 20);
    if response
        .content_length()
        .is_some_and(|n| n > MAX_CALENDAR_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("the answer broke off ({})", chain(&e)))?
    {
        if body.len() + chunk.len() > MAX_CALENDAR_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error with its causes, which is where reqwest says what actually went wrong.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether an address is on the public internet: not loopback, private, link-local, shared
/// (carrier NAT), multicast, reserved or for documentation, nor an IPv6 form of one of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b)) // NAT64 of any IPv4 address
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19))) // benchmarking
}

/// Fetches every calendar read from a URL that is due, for ever: started by the server, one
/// pass a minute; of several servers on one database only one fetches each calendar.
pub async fn refresh_forever(store: Store, allow_private: bool) {
    let mut tick = tokio::time::interval(Duration::from_mins(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let due = match store.claim_due_calendar_feeds(REFRESH_EVERY).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for calendar feeds to refresh");
                continue;
            }
        };
        for feed in due {
            let fetched = match feed_url(&feed.url) {
                Ok(url) => fetch(&url, allow_private).await,
                Err(e) => Err(format!("the URL {e}")),
            };
            if let Err(reason) = &fetched {
                tracing::info!(source = feed.id, %reason, "calendar feed not refreshed");
            }
            if let Err(e) = store.record_calendar_fetch(None, feed.id, fetched).await {
                tracing::warn!(source = feed.id, error = %e, "cannot keep a refreshed calendar");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_reads_as_https_and_other_schemes_are_refused() {
        assert_eq!(
            feed_url("webcal://p01-calendars.icloud.com/published/2/abc")
                .unwrap()
                .as_str(),
            "https://p01-calendars.icloud.com/published/2/abc"
        );
        assert!(
            feed_url("file:///etc/passwd")
                .unwrap_err()
                .contains("file://")
        );
        assert!(feed_url("calendar.google.com/x").is_err());
    }

    #[tokio::test]
    async fn a_loopback_url_is_refused_unless_the_operator_allows_it() {
        let url = feed_url("http://127.0.0.1:9/cal.ics").unwrap();
        let refused = fetch(&url, false).await.unwrap_err();
        assert!(
            refused.contains("not a public internet address"),
            "{refused}"
        );
        // Allowed, it is tried (and nothing listens on the discard port).
        let tried = fetch(&url, true).await.unwrap_err();
        assert!(
            tried.starts_with("cannot fetch it from 127.0.0.1"),
            "{tried}"
        );
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["8.8.8.8", "142.250.74.14", "2a00:1450:4001:82b::200e"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
