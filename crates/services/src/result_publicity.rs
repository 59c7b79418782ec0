//! 评审结果公示 — the committee publishes the passed results on the public site for at
//! least 5 working days (calendar-aware); anyone may object under a real name within the
//! period; staff resolve each objection (upheld cancels the result); after the period, with
//! no objection open, the result goes to the 职改办 for confirmation.

use chrono::NaiveDate;
use zc_db::Db;
use zc_domain::{
    application::{ApplicationStatus, Event, Party, publicity::publicity_ends},
    phone::Phone,
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    committee_meetings::{committee_of, mine},
    decision_record::{Move, move_in},
    pii::PiiVault,
};

/// The last day of a result publicity starting on `starts_on` (5 working days after it).
#[tracing::instrument(skip_all)]
pub async fn ends_on(db: &Db, starts_on: NaiveDate) -> ServiceResult<NaiveDate> {
    let calendar = zc_db::calendar::working_calendar(db, zc_db::seed::GUANGXI).await?;
    Ok(publicity_ends(&calendar, starts_on))
}

/// 公示: publishes every passed dossier of a closed meeting from today; how many.
#[tracing::instrument(skip_all)]
pub async fn publish(db: &Db, actor: Actor<'_>, meeting_id: i64) -> ServiceResult<usize> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = mine(db, staff_id, meeting_id).await?;
    if !meeting.status.publishes_results() {
        return Err(ServiceError::refused(
            "not_closed",
            "会议尚未结束表决，不能公示评审结果",
        ));
    }
    let starts = db.today();
    let ends = ends_on(db, starts).await?;
    let passed: Vec<i64> = zc_db::meetings::agenda(db, meeting_id)
        .await?
        .into_iter()
        .filter(|d| d.status == ApplicationStatus::ReviewPassed)
        .map(|d| d.application_id)
        .collect();
    if passed.is_empty() {
        return Err(ServiceError::refused(
            "nothing",
            "没有评审通过、待公示的申报",
        ));
    }
    let opinion = format!("公示期 {starts} 至 {ends}");
    let mut tx = db.begin_write().await?;
    for id in &passed {
        let app = zc_db::applications::find(&mut tx, *id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        move_in(
            &mut tx,
            &app,
            Some(staff_id),
            Move {
                event: Event::Publish,
                party: Party::Committee,
                step: "评审结果公示",
                org_name: &meeting.committee_name,
                opinion: &opinion,
            },
        )
        .await?;
        zc_db::result_publicity::insert(&mut tx, *id, starts, ends, staff_id).await?;
    }
    let object = format!("meeting:{meeting_id}");
    let detail = format!("公示{}件，{opinion}", passed.len());
    zc_db::audit::record_in(&mut tx, &actor.event("publicity.publish", &object, &detail)).await?;
    tx.commit().await?;
    Ok(passed.len())
}

/// An objection as typed by a member of the public.
#[derive(Debug, Clone, Default)]
pub struct ObjectionInput {
    pub name: String,
    pub phone: String,
    pub body: String,
}

/// 提出异议: under a real name and a mobile (sealed), within the period.
#[tracing::instrument(skip_all)]
pub async fn object(
    db: &Db,
    vault: &PiiVault,
    application_id: i64,
    input: &ObjectionInput,
) -> ServiceResult<i64> {
    let line = zc_db::result_publicity::find(db, application_id)
        .await?
        .filter(|l| l.status == ApplicationStatus::InPublicity.code())
        .ok_or(ServiceError::NotFound)?;
    let now = db.today();
    if now < line.starts_on || now > line.ends_on {
        return Err(ServiceError::refused(
            "closed",
            format!(
                "公示期为 {} 至 {}，期外不再受理异议",
                line.starts_on, line.ends_on
            ),
        ));
    }
    let mut errors = FieldErrors::default();
    let name = input.name.trim();
    if !(2..=30).contains(&name.chars().count()) {
        errors.add("name", "请填写您的真实姓名");
    }
    let phone = Phone::parse(&input.phone);
    if let Err(e) = &phone {
        errors.add("phone", e.to_string());
    }
    let body = input.body.trim();
    if !(10..=2000).contains(&body.chars().count()) {
        errors.add("body", "请写明异议的事实和理由（10–2000个字）");
    }
    errors.into_result()?;
    let Ok(phone) = phone else {
        return Err(ServiceError::NotFound);
    };
    let id = zc_db::result_publicity::insert_objection(
        db,
        application_id,
        name,
        &vault.seal(phone.as_str()),
        body,
    )
    .await?;
    Ok(id)
}

/// Resolves an objection to one of the committee's results: upheld cancels the result
/// (取消资格), dismissed leaves it; the reply is recorded and audited.
#[tracing::instrument(skip_all)]
pub async fn resolve(
    db: &Db,
    actor: Actor<'_>,
    objection_id: i64,
    upheld: bool,
    resolution: &str,
) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let committee = committee_of(db, staff_id).await?;
    let objection = zc_db::result_publicity::objection(db, objection_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let app = zc_db::applications::find(db, objection.application_id)
        .await?
        .filter(|a| a.committee_id == Some(committee))
        .ok_or(ServiceError::NotFound)?;
    let resolution = resolution.trim();
    if resolution.chars().count() < 5 {
        return Err(FieldErrors::one(
            "resolution",
            "请写明核查结论（至少5个字）",
        ));
    }
    let committee_name = app.committee_name.clone().unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let status = if upheld { "upheld" } else { "dismissed" };
    if !zc_db::result_publicity::resolve(&mut tx, objection_id, status, resolution, staff_id)
        .await?
    {
        return Err(ServiceError::refused("resolved", "该异议已处理"));
    }
    if upheld {
        move_in(
            &mut tx,
            &app,
            Some(staff_id),
            Move {
                event: Event::ObjectionUpheld,
                party: Party::Committee,
                step: "评审结果公示",
                org_name: &committee_name,
                opinion: resolution,
            },
        )
        .await?;
    }
    let object = format!("objection:{objection_id}");
    let detail = format!(
        "申报 #{}：{}；{resolution}",
        app.id,
        if upheld {
            "异议成立"
        } else {
            "异议不成立"
        }
    );
    zc_db::audit::record_in(&mut tx, &actor.event("publicity.resolve", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// 公示期满: after the last day, with no objection open, staff send the result to the
/// 职改办 for confirmation (the sweep does the same on its own; see [`end_due`]).
#[tracing::instrument(skip_all)]
pub async fn end(db: &Db, actor: Actor<'_>, application_id: i64) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let committee = committee_of(db, staff_id).await?;
    let line = zc_db::result_publicity::find(db, application_id)
        .await?
        .filter(|l| l.committee_id == Some(committee))
        .ok_or(ServiceError::NotFound)?;
    end_line(db, actor, &line).await
}

async fn end_line(
    db: &Db,
    actor: Actor<'_>,
    line: &zc_db::result_publicity::PublicLine,
) -> ServiceResult<()> {
    if db.today() <= line.ends_on {
        return Err(ServiceError::refused(
            "running",
            format!("公示期至 {} 结束，期满后才能提交确认", line.ends_on),
        ));
    }
    if zc_db::result_publicity::open_objections(db, line.application_id).await? > 0 {
        return Err(ServiceError::refused(
            "objection",
            "该申报还有未处理的异议，处理后才能提交确认",
        ));
    }
    let app = zc_db::applications::find(db, line.application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let committee_name = app.committee_name.clone().unwrap_or_default();
    let mut tx = db.begin_write().await?;
    move_in(
        &mut tx,
        &app,
        actor.account_id,
        Move {
            event: Event::PublicityEnded,
            party: Party::System,
            step: "评审结果公示",
            org_name: &committee_name,
            opinion: "公示期满无异议，报职改办发文确认",
        },
    )
    .await?;
    let object = format!("application:{}", app.id);
    zc_db::audit::record_in(&mut tx, &actor.event("publicity.end", &object, "公示期满")).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every publicity whose last day has passed without an open objection, as the
/// platform itself; how many. Run by the periodic sweep; of several servers sweeping at
/// once, the state machine's compare-and-set lets each result move once.
#[tracing::instrument(skip_all)]
pub async fn end_due(db: &Db) -> ServiceResult<usize> {
    let mut ended = 0;
    let mut offset = 0;
    loop {
        let lines = zc_db::result_publicity::current(db, 200, offset).await?;
        if lines.is_empty() {
            return Ok(ended);
        }
        offset += lines.len() as i64;
        for line in lines.iter().filter(|l| db.today() > l.ends_on) {
            match end_line(db, Actor::default(), line).await {
                Ok(()) => {
                    ended += 1;
                    offset -= 1;
                }
                Err(ServiceError::Refused { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
}
