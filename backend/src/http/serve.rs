//! Serving connections with limits a client cannot stretch: a request's headers must
//! arrive, and an idle keep-alive connection must send its next request, within
//! `HTTP_IDLE_TIMEOUT_SECS` (one timer in hyper; 75 s by default, longer than the ALB's
//! 60 s idle timeout, so the ALB never reuses a connection we just closed); headers are
//! read into at most [`MAX_HEADER_BUFFER`] bytes; at most `HTTP_MAX_CONNECTIONS` are
//! served at once, and one beyond is answered `503` and closed instead of waiting
//! unseen; an accept error (out of file descriptors) is logged and retried, never
//! fatal. On shutdown the listener closes and every connection finishes the request it
//! is serving, then closes.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use super::error::Problem;
use crate::codes;

/// Closed connections that make a burst worth giving memory back after.
const BURST: usize = 100;

/// The most a connection's unparsed headers may hold (hyper's read buffer).
pub const MAX_HEADER_BUFFER: usize = 64 * 1024;

/// How a connection beyond the limit is told: a problem response, then the close.
fn busy_answer() -> Vec<u8> {
    let problem = Problem::of(codes::SERVER_BUSY, codes::SERVER_BUSY.meaning.into(), None);
    let body = serde_json::to_string(&problem).expect("a problem serialises");
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\n\
         content-type: application/problem+json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the
/// connections to finish (the caller bounds that wait).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.idle_timeout)
        .max_buf_size(MAX_HEADER_BUFFER);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.idle_timeout)
        .keep_alive_timeout(Duration::from_secs(20));
    let builder = Arc::new(builder);
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    // Connections buffer their headers in small blocks the allocator keeps when they
    // close; after a burst, its free pages go back every 10 s at most.
    let closed = Arc::new(AtomicUsize::new(0));
    let trimming = tokio::spawn(give_back_after_bursts(closed.clone()));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most often: connections in flight still
                    // finish and free some.
                    tracing::error!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream, limits.max_connections));
            continue;
        };
        let app = app.clone();
        let service = TowerToHyperService::new(tower::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        }));
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        let closed = closed.clone();
        tokio::spawn(async move {
            // A client that goes away or times out ends its connection; nothing to report.
            let _ = connection.await;
            drop(permit);
            closed.fetch_add(1, Ordering::Relaxed);
        });
    }
    drop(listener);
    trimming.abort();
    graceful.shutdown().await;
}

/// Every 10 s, if at least [`BURST`] connections closed since the last look, gives the
/// allocator's free pages back.
async fn give_back_after_bursts(closed: Arc<AtomicUsize>) {
    let mut interval = tokio::time::interval(Duration::from_secs(10));
    loop {
        interval.tick().await;
        if closed.swap(0, Ordering::Relaxed) >= BURST {
            tokio::task::spawn_blocking(crate::platform::memory::give_back_free_memory);
        }
    }
}

/// Answers a connection beyond the limit with a 503 (within a second) and closes it.
async fn refuse(mut stream: TcpStream, limit: usize) {
    tracing::warn!(limit, "connection refused: HTTP_MAX_CONNECTIONS are open");
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&busy_answer()).await?;
        stream.shutdown().await
    })
    .await;
}

/// Raises this process's soft limit on open files to its hard limit (containers often
/// start at 1024, which a few hundred slow clients would exhaust); answers the new
/// limit, or None when it could not be read.
pub fn raise_open_files_limit() -> Option<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed by pointer,
    // which lives for the whole call.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        let before = limit.rlim_cur;
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Some((before, before));
            }
        }
        Some((before, limit.rlim_cur))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_is_well_formed() {
        let answer = busy_answer();
        let text = std::str::from_utf8(&answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(body.len(), length);
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (problem["status"].as_u64(), problem["code"].as_str()),
            (Some(503), Some("server_busy"))
        );
    }

    #[test]
    fn the_open_files_limit_ends_at_the_hard_limit() {
        let (_, after) = raise_open_files_limit().unwrap();
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: as above.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) }, 0);
        assert_eq!((after, limit.rlim_cur), (limit.rlim_max, limit.rlim_max));
    }
}
