//! Request counts and latencies, served at `/metrics` in the Prometheus text format.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Registry {
    /// Requests by (method, route, status).
    requests: BTreeMap<(String, String, u16), u64>,
    /// Latency by (method, route).
    latency: BTreeMap<(String, String), Histogram>,
}

/// The process's request metrics. Counts are per process: with several servers behind a load
/// balancer, Prometheus scrapes each and sums.
#[derive(Default, Clone)]
pub struct Metrics(Arc<Mutex<Registry>>);

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut r) = self.0.lock() else { return };
        *r.requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let h = r
            .latency
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        h.count += 1;
        h.sum += seconds;
        for (bucket, bound) in h.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// The Prometheus text exposition (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(r) = self.0.lock() else { return out };
        out.push_str(
            "# HELP baton_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE baton_http_requests_total counter\n");
        for ((method, route, status), n) in &r.requests {
            let _ = writeln!(
                out,
                "baton_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP baton_http_request_duration_seconds HTTP request latency by method and route.\n");
        out.push_str("# TYPE baton_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &r.latency {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "baton_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "baton_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "baton_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "baton_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        out
    }
}

/// Times every request and counts it under its route template (`/api/v1/deals/{id}`), so the
/// number of series stays bounded whatever ids clients send.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<crate::AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.metrics.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_and_latency_falls_in_cumulative_buckets() {
        let m = Metrics::default();
        m.record("GET", "/api/v1/deals/{id}", 200, 0.003);
        m.record("GET", "/api/v1/deals/{id}", 200, 0.2);
        m.record("GET", "/api/v1/deals/{id}", 404, 0.0004);
        let text = m.render();
        assert!(text.contains(
            r#"baton_http_requests_total{method="GET",route="/api/v1/deals/{id}",status="200"} 2"#
        ));
        assert!(text.contains(
            r#"baton_http_requests_total{method="GET",route="/api/v1/deals/{id}",status="404"} 1"#
        ));
        assert!(text.contains(r#"_bucket{method="GET",route="/api/v1/deals/{id}",le="0.0005"} 1"#));
        assert!(text.contains(r#"_bucket{method="GET",route="/api/v1/deals/{id}",le="0.005"} 2"#));
        assert!(text.contains(r#"_bucket{method="GET",route="/api/v1/deals/{id}",le="+Inf"} 3"#));
        assert!(text.contains(r#"_count{method="GET",route="/api/v1/deals/{id}"} 3"#));
    }
}
