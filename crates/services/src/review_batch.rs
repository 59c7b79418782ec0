//! 批量办理 — a reviewer decides many dossiers at once: the rows ticked, or everything
//! matching a filter whose count they confirmed. Each dossier is its own decision (its own
//! transaction). Dossiers that moved on meanwhile, or wait for something such as the
//! unit's publicity, are skipped and counted; a missing opinion stops the batch with its
//! message. When the database is too busy the batch stops there: what was decided stands
//! and is reported, the rest is counted as unfinished, so the answer never hides committed
//! decisions behind an error page.

use zc_db::{
    Db,
    review_queue::{QueueFilter, QueueScope},
};
use zc_domain::application::ApplicationStatus;

use crate::{ServiceError, ServiceResult};

/// What a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchTally {
    pub done: u64,
    pub skipped: u64,
    pub unfinished: u64,
}

/// Every dossier matching `filter` in `scope`, when the count the person confirmed
/// (`expected`) is still the count now; refused otherwise, so a batch never acts on
/// dossiers the person did not see counted.
#[tracing::instrument(skip_all)]
pub async fn matching(
    db: &Db,
    scope: QueueScope,
    filter: &QueueFilter,
    expected: i64,
) -> ServiceResult<Vec<i64>> {
    let now = zc_db::review_queue::queue_count(db, scope, filter).await?;
    if now != expected {
        return Err(ServiceError::refused(
            "filter_changed",
            format!("筛选结果已变化（现为{now}件，确认时为{expected}件），请刷新后重新确认"),
        ));
    }
    nonempty(zc_db::review_queue::queue_ids(db, scope, filter).await?)
}

/// The ticked dossiers, refused when none was ticked.
pub fn nonempty(ids: Vec<i64>) -> ServiceResult<Vec<i64>> {
    if ids.is_empty() {
        return Err(ServiceError::refused("none", "请先勾选要办理的申报"));
    }
    Ok(ids)
}

/// Decides every dossier of `ids` with `decide`, in order.
#[tracing::instrument(skip_all)]
pub async fn decide_each<F, Fut>(ids: Vec<i64>, mut decide: F) -> ServiceResult<BatchTally>
where
    F: FnMut(i64) -> Fut,
    Fut: std::future::Future<Output = ServiceResult<ApplicationStatus>>,
{
    let mut tally = BatchTally::default();
    for id in ids {
        if tally.unfinished > 0 {
            tally.unfinished += 1;
            continue;
        }
        match decide(id).await {
            Ok(_) => tally.done += 1,
            Err(ServiceError::Invalid(errors)) => {
                let why = errors
                    .0
                    .into_iter()
                    .map(|(_, m)| m)
                    .next()
                    .unwrap_or_else(|| "请填写审核意见".into());
                return Err(ServiceError::refused("opinion", why));
            }
            Err(ServiceError::Refused { .. } | ServiceError::NotFound) => tally.skipped += 1,
            Err(ServiceError::Busy) => tally.unfinished += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(tally)
}

/// What a desk's 批量办理 does to each dossier, with the one opinion posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchDecision {
    /// 批量审核通过并报送 at a unit (dossiers whose publicity has not run are skipped).
    UnitForward(String),
    /// 批量通过 at a 主管部门 or 职改办.
    OfficePass(String),
}

/// Decides one dossier of a batch through the desk's own service.
#[tracing::instrument(skip_all)]
pub async fn decide_one(
    db: &zc_db::Db,
    actor: crate::accounts::Actor<'_>,
    id: i64,
    decision: &BatchDecision,
) -> ServiceResult<ApplicationStatus> {
    match decision {
        BatchDecision::UnitForward(opinion) => {
            let d = crate::unit_review::UnitDecision::Forward(opinion.clone());
            crate::unit_review::decide(db, actor, id, &d).await
        }
        BatchDecision::OfficePass(opinion) => {
            let d = crate::office_review::OfficeDecision::Pass(opinion.clone());
            crate::office_review::decide(db, actor, id, &d).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FieldErrors;

    fn outcome(id: i64) -> ServiceResult<ApplicationStatus> {
        match id {
            2 => Err(ServiceError::refused("moved", "已办理")),
            3 => Err(ServiceError::NotFound),
            5 => Err(ServiceError::Busy),
            _ => Ok(ApplicationStatus::OfficePending),
        }
    }

    #[tokio::test]
    async fn a_batch_counts_skips_and_stops_at_a_busy_database() {
        let tally = decide_each(vec![1, 2, 3, 4, 5, 6, 7], |id| async move { outcome(id) })
            .await
            .unwrap();
        assert_eq!(
            tally,
            BatchTally {
                done: 2,
                skipped: 2,
                unfinished: 3
            }
        );
    }

    #[tokio::test]
    async fn a_missing_opinion_stops_the_batch_with_its_message() {
        let refused = decide_each(vec![1, 2], |_| async {
            Err::<ApplicationStatus, _>(FieldErrors::one("opinion", "请填写审核意见（至少2个字）"))
        })
        .await;
        assert!(matches!(
            refused,
            Err(ServiceError::Refused { message, .. }) if message == "请填写审核意见（至少2个字）"
        ));
        assert!(nonempty(Vec::new()).is_err());
    }
}
