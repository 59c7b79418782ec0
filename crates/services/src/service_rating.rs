//! 好差评 — once an application has ended (办结), its applicant rates the service on the
//! national five levels, once (一事一评). A 差评 must say why and opens a follow-up: the
//! office that handled the case answers within [`FOLLOW_UP_WORKING_DAYS`] working days.
//! Both the rating and the answer go into the progress history and are audited; the
//! office's staff are told of a 差评, the applicant of the answer.

use zc_db::{Db, applications::NewEvent, service_ratings};
use zc_domain::{
    calendar::CountFrom,
    feedback::{FOLLOW_UP_WORKING_DAYS, Grade, REPLY_MAX, check_rating, check_text},
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor, office_review::office_of};

/// Whether an application in `status` may be rated: it has ended, and not by deletion.
pub fn may_rate(status: zc_domain::application::ApplicationStatus) -> bool {
    status.is_finished() && status != zc_domain::application::ApplicationStatus::Deleted
}

/// The applicant rates their finished application. `grade` is the posted level (1–5).
#[tracing::instrument(skip_all)]
pub async fn rate(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    grade: Option<i32>,
    reason: &str,
) -> ServiceResult<()> {
    let account_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let app = zc_db::applications::find(db, application_id)
        .await?
        .filter(|a| a.applicant_id == account_id)
        .ok_or(ServiceError::NotFound)?;
    if !may_rate(app.status) {
        return Err(ServiceError::refused(
            "rating_not_finished",
            "办结后才能评价；本次申报还在办理中",
        ));
    }
    let Some(grade) = grade.and_then(Grade::from_value) else {
        return Err(FieldErrors::one("grade", "请选择满意程度"));
    };
    if let Some(why) = check_rating(grade, reason) {
        return Err(FieldErrors::one("reason", why));
    }
    let due = if grade.is_poor() {
        let calendar = zc_db::calendar::working_calendar(db, zc_db::seed::GUANGXI).await?;
        Some(calendar.add_working_days(db.today(), FOLLOW_UP_WORKING_DAYS, CountFrom::NextDay))
    } else {
        None
    };
    let mut tx = db.begin_write().await?;
    let stored = service_ratings::insert(
        &mut tx,
        &service_ratings::NewRating {
            application_id,
            account_id,
            office_id: app.office_id,
            grade: grade.value(),
            reason: reason.trim(),
            follow_up_due: due,
        },
    )
    .await?;
    if !stored {
        return Err(ServiceError::refused(
            "rating_given",
            "您已评价过本次服务，每件事只能评价一次",
        ));
    }
    let opinion = match reason.trim() {
        "" => grade.label().to_string(),
        why => format!("{}：{why}", grade.label()),
    };
    zc_db::applications::insert_event(
        &mut tx,
        &NewEvent {
            application_id,
            step: "服务评价",
            action: "评价",
            opinion: &opinion,
            actor_id: Some(account_id),
            org_name: "申报人",
            from_status: app.status.code(),
            to_status: app.status.code(),
        },
    )
    .await?;
    let object = format!("application:{application_id}");
    let detail = grade.value().to_string();
    zc_db::audit::record_in(&mut tx, &actor.event("rating.give", &object, &detail)).await?;
    if let Some(due) = due {
        let title = format!("差评待回访：申报 #{application_id}（{}）", grade.label());
        let body = format!("请在{due}前回访申报人并答复。原因：{}", reason.trim());
        for staff in
            zc_db::messages::staff_of(&mut tx, "office", app.office_id, &["office_staff"]).await?
        {
            zc_db::messages::insert_in(&mut tx, staff, &title, &body, "/office/ratings").await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The office answers a 差评 of a case it handled; the applicant is told.
#[tracing::instrument(skip_all)]
pub async fn answer(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    text: &str,
) -> ServiceResult<()> {
    let (staff_id, office_id) = office_of(db, &actor).await?;
    let rating = service_ratings::of_application(db, application_id)
        .await?
        .filter(|r| r.office_id == office_id)
        .ok_or(ServiceError::NotFound)?;
    if let Some(why) = check_text("回访答复", text, REPLY_MAX) {
        return Err(FieldErrors::one("answer", why));
    }
    let office_name = zc_db::reference::org_name(db, "office", office_id)
        .await?
        .unwrap_or_default();
    let app = zc_db::applications::find(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut tx = db.begin_write().await?;
    if !service_ratings::answer(&mut tx, application_id, office_id, text.trim(), staff_id).await? {
        return Err(ServiceError::refused(
            "rating_answered",
            "这条评价不需要回访，或已经答复过了",
        ));
    }
    zc_db::applications::insert_event(
        &mut tx,
        &NewEvent {
            application_id,
            step: "服务评价",
            action: "差评回访",
            opinion: text.trim(),
            actor_id: Some(staff_id),
            org_name: &office_name,
            from_status: app.status.code(),
            to_status: app.status.code(),
        },
    )
    .await?;
    let object = format!("application:{application_id}");
    zc_db::audit::record_in(&mut tx, &actor.event("rating.answer", &object, "")).await?;
    crate::messages::notify_person(
        &mut tx,
        rating.account_id,
        &format!("您对申报 #{application_id} 的评价已答复"),
        &format!("{office_name}答复：{}", text.trim()),
        &format!("/my/applications/{application_id}/progress"),
        &format!(
            "【广西职称】您对申报#{application_id}的评价已由{office_name}答复，请登录平台查看。"
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
