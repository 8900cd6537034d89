//! `/api/-/producer/events`: the live reload of `hublot preview`, as server-sent events. Each
//! time the draft is read again (a file of the folder changed), an event `draft` carries the
//! view's new version; the page then reads `producer.draft` again. The first event carries the
//! current version at once, so a page that connects late is never stale. Without an open draft
//! the endpoint answers 404 in the one error body.

use super::routes::ApiError;
use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;

/// The event stream of the open draft's versions.
pub async fn producer_events(State(s): State<AppState>) -> Response {
    let Some(session) = s.hublot.producer_session() else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "no draft is open on this server (run `hublot preview FOLDER`)",
        )
        .into_response();
    };
    let rx = session.subscribe();
    drop(session);
    // `first` sends the current version before waiting for the next one.
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first {
            tokio::select! {
                r = rx.changed() => if r.is_err() {
                    return None; // the draft was closed
                },
                // The stream never ends by itself: without this, a graceful shutdown would wait
                // for the page to be closed.
                _ = super::stop_requested() => return None,
            }
        }
        let v = *rx.borrow_and_update();
        let ev = Event::default().event("draft").data(v.to_string());
        Some((Ok::<Event, Infallible>(ev), (rx, false)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
