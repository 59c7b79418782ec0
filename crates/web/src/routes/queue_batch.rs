//! 批量办理 on a queue page: which dossiers the posted form names (the rows ticked or the
//! confirmed filter), and the way back to the queue with what the batch did. The rules
//! live in `zc_services::review_batch`.

use axum::response::{IntoResponse, Redirect, Response};
use zc_db::review_queue::QueueScope;
use zc_domain::application::ApplicationStatus;

use super::queue_query::QueueQuery;
use zc_services::review_batch::{self, BatchTally};

use crate::{error::AppResult, routes::review_form::Posted, state::AppState};

/// The dossiers a batch acts on: the rows ticked, or every dossier matching the posted
/// filter when the count the person confirmed is still the count now.
pub(crate) async fn batch_ids(
    state: &AppState,
    scope: QueueScope,
    tabs: &[ApplicationStatus],
    posted: &Posted,
) -> AppResult<Vec<i64>> {
    let ids = if posted.value("all") == "1" {
        let mut query = QueueQuery::posted(posted);
        query.status = Some(tabs[0].code().to_string());
        let read = query.read(state, tabs);
        let expected: i64 = posted.value("expected").parse().unwrap_or(-1);
        review_batch::matching(&state.db, scope, &read.filter, expected).await?
    } else {
        review_batch::nonempty(
            posted
                .all("ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
        )?
    };
    Ok(ids)
}

/// Back to the queue's first tab at `path`, with the counts for the notice.
pub(crate) fn back_to_queue(tally: &BatchTally, path: &str, tab: ApplicationStatus) -> Response {
    Redirect::to(&format!(
        "{path}?status={}&done={}&skipped={}&unfinished={}",
        tab.code(),
        tally.done,
        tally.skipped,
        tally.unfinished
    ))
    .into_response()
}
