//! 批量办理 — what a queue's batch acts on and what it did: the rows ticked or everything
//! matching the confirmed filter, each decided in its own transaction.

use axum::response::{IntoResponse, Redirect, Response};
use zc_db::review_queue::QueueScope;
use zc_domain::application::ApplicationStatus;

use super::queue_query::QueueQuery;
use crate::{
    error::{AppError, AppResult},
    routes::review_form::Posted,
    state::AppState,
};

/// The dossiers a batch acts on: the rows ticked, or every dossier matching the posted
/// filter when the count the person confirmed is still the count now.
pub(crate) async fn batch_ids(
    state: &AppState,
    scope: QueueScope,
    tabs: &[ApplicationStatus],
    posted: &Posted,
) -> AppResult<Vec<i64>> {
    let ids: Vec<i64> = if posted.value("all") == "1" {
        let mut query = QueueQuery::posted(posted);
        query.status = Some(tabs[0].code().to_string());
        let read = query.read(state, tabs);
        let now = zc_db::review_queue::queue_count(&state.db, scope, &read.filter).await?;
        let expected: i64 = posted.value("expected").parse().unwrap_or(-1);
        if now != expected {
            return Err(AppError::Refused(format!(
                "筛选结果已变化（现为{now}件，确认时为{expected}件），请刷新后重新确认"
            )));
        }
        zc_db::review_queue::queue_ids(&state.db, scope, &read.filter).await?
    } else {
        posted
            .all("ids")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    if ids.is_empty() {
        return Err(AppError::Refused("请先勾选要办理的申报".into()));
    }
    Ok(ids)
}

/// What a batch did: each dossier is its own decision (its own transaction). Dossiers that
/// moved on meanwhile, or wait for something such as the unit's publicity, are skipped and
/// counted; a missing opinion stops the batch with its message. When the database is too
/// busy the batch stops there: what was decided stands and is reported, the rest is counted
/// as unfinished, so the answer never hides committed decisions behind an error page.
#[derive(Debug, Default)]
pub(crate) struct BatchTally {
    pub done: u64,
    pub skipped: u64,
    pub unfinished: u64,
}

impl BatchTally {
    /// Decides every dossier of `ids` with `decide`, in order.
    pub(crate) async fn run<F, Fut>(ids: Vec<i64>, mut decide: F) -> AppResult<BatchTally>
    where
        F: FnMut(i64) -> Fut,
        Fut: std::future::Future<Output = zc_services::ServiceResult<ApplicationStatus>>,
    {
        let mut tally = BatchTally::default();
        for id in ids {
            if tally.unfinished > 0 {
                tally.unfinished += 1;
            } else {
                tally.add(decide(id).await)?;
            }
        }
        Ok(tally)
    }

    /// Counts one decision's outcome.
    fn add(&mut self, outcome: zc_services::ServiceResult<ApplicationStatus>) -> AppResult<()> {
        use zc_services::ServiceError;
        match outcome {
            Ok(_) => self.done += 1,
            Err(ServiceError::Invalid(errors)) => {
                let why = errors
                    .0
                    .into_iter()
                    .map(|(_, m)| m)
                    .next()
                    .unwrap_or_else(|| "请填写审核意见".into());
                return Err(AppError::Refused(why));
            }
            Err(ServiceError::Refused { .. } | ServiceError::NotFound) => self.skipped += 1,
            Err(ServiceError::Busy) => self.unfinished += 1,
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Back to the queue's first tab at `path`, with the counts for the notice.
    pub(crate) fn redirect(&self, path: &str, tab: ApplicationStatus) -> Response {
        Redirect::to(&format!(
            "{path}?status={}&done={}&skipped={}&unfinished={}",
            tab.code(),
            self.done,
            self.skipped,
            self.unfinished
        ))
        .into_response()
    }
}
