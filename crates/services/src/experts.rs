//! 评审专家库 — granting membership of the expert pool for a term, and what an expert sees
//! of it. The application and approval workflow (评委专家入库申请) builds on `grant`.

use chrono::NaiveDate;
use zc_db::{Db, experts};
use zc_domain::{
    Role,
    expert::{check_term, serving_on},
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// A grant as decided by the committee office or 职改办.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    pub account_id: i64,
    pub series_id: i64,
    pub specialty: &'a str,
    pub title_name: &'a str,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
}

/// Grants an applicant account membership of the pool for a term. Office or committee
/// staff decide it; the demo seeding (no account) grants its two demo experts.
#[tracing::instrument(skip_all)]
pub async fn grant(db: &Db, actor: Actor<'_>, g: &Grant<'_>) -> ServiceResult<()> {
    let name = check_grant(db, actor, g).await?;
    let mut tx = db.begin_write().await?;
    grant_in(&mut tx, actor, g, &name).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks who grants whom for what term; the grantee's display name.
pub(crate) async fn check_grant(db: &Db, actor: Actor<'_>, g: &Grant<'_>) -> ServiceResult<String> {
    let allowed = match actor.role {
        None => actor.account_id.is_none(),
        Some(r) => matches!(r, Role::CommitteeStaff | Role::OfficeStaff),
    };
    if !allowed {
        return Err(ServiceError::refused(
            "forbidden",
            "只有评委会办事机构或职改办可以批准专家入库",
        ));
    }
    if actor.account_id == Some(g.account_id) {
        return Err(ServiceError::refused("self_action", "不能批准自己入库"));
    }
    if let Err(refusal) = check_term(g.term_start, g.term_end) {
        return Err(FieldErrors::one("term_end", refusal.to_string()));
    }
    let account = zc_db::accounts::find(db, g.account_id)
        .await?
        .filter(|a| a.role == Role::Applicant.code())
        .ok_or(ServiceError::NotFound)?;
    Ok(account.display_name)
}

/// Writes a checked grant and its audit event inside `tx`, so that it lands together
/// with whatever decided it (an approved 入库申请).
pub(crate) async fn grant_in(
    tx: &mut zc_db::Tx,
    actor: Actor<'_>,
    g: &Grant<'_>,
    name: &str,
) -> ServiceResult<()> {
    experts::upsert(
        tx,
        &experts::NewExpert {
            account_id: g.account_id,
            series_id: g.series_id,
            specialty: g.specialty,
            title_name: g.title_name,
            term_start: g.term_start,
            term_end: g.term_end,
            granted_by: actor.account_id,
        },
    )
    .await?;
    let object = format!("account:{}", g.account_id);
    let detail = format!(
        "{name} 入选评审专家库（{}，聘期 {} 至 {}）",
        g.specialty, g.term_start, g.term_end
    );
    zc_db::audit::record_in(tx, &actor.event("expert.grant", &object, &detail)).await?;
    Ok(())
}

/// The person's membership if they serve on `today`.
#[tracing::instrument(skip_all)]
pub async fn serving(
    db: &Db,
    account_id: i64,
    today: NaiveDate,
) -> ServiceResult<Option<experts::ExpertRow>> {
    Ok(experts::find(db, account_id)
        .await?
        .filter(|e| serving_on(e.term_start, e.term_end, today)))
}
