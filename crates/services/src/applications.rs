//! 申报职称 — creating a 职称评审 application, and the applicant's own transitions
//! (withdraw, delete; submitting is in `application_submission`). Every transition asks the state machine, changes the
//! status compare-and-set, and writes its progress line in the same transaction.

use chrono::{DateTime, Datelike, Utc};
use zc_db::{
    Db,
    applications::{self, ApplicationRow, NewApplication, NewEvent},
};
use zc_domain::application::{
    ApplicationKind, ApplicationStatus, Event, Party, TransitionRefusal, next_status,
};

use crate::{
    ServiceError, ServiceResult, application_parts,
    status_change::{self, Change, NotMoved, Notice},
};

/// The application of `applicant_id` with this id; anyone else's is "not found".
#[tracing::instrument(skip_all)]
pub async fn mine(db: &Db, applicant_id: i64, id: i64) -> ServiceResult<ApplicationRow> {
    applications::find(db, id)
        .await?
        .filter(|a| a.applicant_id == applicant_id && a.status != ApplicationStatus::Deleted)
        .ok_or(ServiceError::NotFound)
}

/// Year of a moment in China Standard Time (the 申报年度).
pub fn year_in_china(now: DateTime<Utc>) -> i32 {
    zc_domain::calendar::china_date(now).year()
}

/// What the applicant can apply for now.
#[tracing::instrument(skip_all)]
pub async fn open_choices(
    db: &Db,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<applications::OpenChoice>> {
    Ok(applications::open_choices(db, year_in_china(now), now).await?)
}

/// The value of a choice in the create form: `committee:rank:title`.
pub fn choice_value(c: &applications::OpenChoice) -> String {
    format!("{}:{}:{}", c.committee_id, c.level_rank, c.title_name)
}

/// 我要申报: creates a draft for the chosen committee, level and title. Refused when
/// the choice is not open, the applicant's unit is not approved, or they already have an
/// unfinished application this year (one series a year).
#[tracing::instrument(skip_all)]
pub async fn create_evaluation(
    db: &Db,
    applicant_id: i64,
    choice: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let chosen = chosen(db, choice, now).await?;
    let opening = Opening::evaluation(&chosen, &chosen.committee_name);
    open_draft(db, applicant_id, &opening, now).await
}

/// The committee and qualification posted as `choice`, if it still takes applications.
async fn chosen(
    db: &Db,
    choice: &str,
    now: DateTime<Utc>,
) -> ServiceResult<applications::OpenChoice> {
    open_choices(db, now)
        .await?
        .into_iter()
        .find(|c| choice_value(c) == choice)
        .ok_or_else(|| crate::FieldErrors::one("choice", "请选择正在受理申报的评审会和拟申报资格"))
}

/// What a new draft is opened for.
pub(crate) struct Opening<'a> {
    pub kind: ApplicationKind,
    pub series_id: i64,
    pub series_name: &'a str,
    pub level_rank: i32,
    pub title_name: &'a str,
    pub committee_id: Option<i64>,
    pub office_id: i64,
    /// The committee (评审) or 职改办 (认定) named in the first progress line.
    pub destination: &'a str,
}

impl<'a> Opening<'a> {
    /// A 职称评审 opening for the chosen committee and qualification.
    fn evaluation(chosen: &'a applications::OpenChoice, destination: &'a str) -> Opening<'a> {
        Opening {
            kind: ApplicationKind::Evaluation,
            series_id: chosen.series_id,
            series_name: &chosen.series_name,
            level_rank: chosen.level_rank,
            title_name: &chosen.title_name,
            committee_id: Some(chosen.committee_id),
            office_id: chosen.office_id,
            destination,
        }
    }
}

/// Opens a draft after the checks every kind shares: the applicant's unit is approved and,
/// for a title, they have no unfinished title application this year (one series a year;
/// 遗失补办 and 审验 neither count nor are held back). The draft is pre-filled from the
/// archive.
pub(crate) async fn open_draft(
    db: &Db,
    applicant_id: i64,
    o: &Opening<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let applicant = zc_db::applicants::find(db, applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unit_ok = match applicant.unit_id {
        Some(id) => zc_db::units::find(db, id)
            .await?
            .is_some_and(|u| u.status.open_to_applicants()),
        None => false,
    };
    let (true, Some(unit_id)) = (unit_ok, applicant.unit_id) else {
        return Err(ServiceError::refused(
            "no_unit",
            "申报前请先在“所在单位”中选择已通过审核的工作单位（流动人员请选择广西流动人员职称改革办公室）",
        ));
    };
    let year = year_in_china(now);
    let open: Vec<_> = if o.kind.seeks_title() {
        applications::unfinished_in_year(db, applicant_id, year)
            .await?
            .into_iter()
            .filter(|a| a.kind.seeks_title())
            .collect()
    } else {
        Vec::new()
    };
    if let Some(existing) = open.first() {
        let message = if existing.series_id == o.series_id {
            format!(
                "您{year}年度已有一份{}系列的申报（#{}，{}），请编辑已有的申报，不要重复创建",
                existing.series_name,
                existing.id,
                Some(existing.status).map_or("", |s| s.label())
            )
        } else {
            format!(
                "每个申报年度只能申报一个系列。您{year}年度已有{}系列的申报（#{}）尚未办结，不能再申报{}系列",
                existing.series_name, existing.id, o.series_name
            )
        };
        return Err(ServiceError::refused("one_series_a_year", message));
    }
    let mut tx = db.begin_write().await?;
    let id = applications::insert(
        &mut tx,
        &NewApplication {
            kind: o.kind.code(),
            applicant_id,
            unit_id,
            year,
            series_id: o.series_id,
            level_rank: o.level_rank,
            title_name: o.title_name,
            committee_id: o.committee_id,
            office_id: o.office_id,
        },
    )
    .await?;
    // Pre-filled from the archive; the applicant edits the copy.
    application_parts::copy_archive_in(&mut tx, applicant_id, id).await?;
    applications::insert_event(
        &mut tx,
        &NewEvent {
            application_id: id,
            step: "个人申报",
            action: "创建申报",
            opinion: &format!(
                "{}：{}/{}/{}，{}",
                o.kind.name(),
                o.series_name,
                zc_domain::TitleLevel::from_rank(o.level_rank).map_or("", |l| l.name()),
                o.title_name,
                o.destination
            ),
            actor_id: Some(applicant_id),
            org_name: &applicant.name,
            from_status: "",
            to_status: ApplicationStatus::Draft.code(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// 报送职改办: while a draft, the applicant may choose another open committee, level or
/// title; the one-series rule still holds because only this application is unfinished.
#[tracing::instrument(skip_all)]
pub async fn change_choice(
    db: &Db,
    applicant_id: i64,
    id: i64,
    choice: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let app = draft_of_kind(db, applicant_id, id, ApplicationKind::Evaluation).await?;
    let chosen = chosen(db, choice, now).await?;
    let destination = format!("{}，报送{}", chosen.committee_name, chosen.office_name);
    let opening = Opening::evaluation(&chosen, &destination);
    retarget(db, applicant_id, &app, &opening).await
}

/// The applicant's draft `id` of `kind`; refused once it has been submitted.
pub(crate) async fn draft_of_kind(
    db: &Db,
    applicant_id: i64,
    id: i64,
    kind: ApplicationKind,
) -> ServiceResult<ApplicationRow> {
    let app = mine(db, applicant_id, id).await?;
    if app.kind != kind {
        return Err(ServiceError::NotFound);
    }
    if !app.status.may_change_destination() {
        return Err(ServiceError::refused(
            "not_draft",
            "只有待完善的申报可以更改报送职改办或申报级别",
        ));
    }
    Ok(app)
}

/// 报送职改办: points a draft at another destination, level and title, with a line in
/// its history.
pub(crate) async fn retarget(
    db: &Db,
    applicant_id: i64,
    app: &ApplicationRow,
    o: &Opening<'_>,
) -> ServiceResult<()> {
    let name = zc_db::applicants::find(db, applicant_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    if !applications::set_choice(
        &mut tx,
        app.id,
        o.series_id,
        o.level_rank,
        o.title_name,
        o.committee_id,
        o.office_id,
    )
    .await?
    {
        return Err(ServiceError::refused(
            "raced",
            "该申报的状态刚刚发生了变化，请刷新后查看",
        ));
    }
    applications::insert_event(
        &mut tx,
        &NewEvent {
            application_id: app.id,
            step: "个人申报",
            action: "报送职改办",
            opinion: &format!(
                "改为{}/{}/{}，{}",
                o.series_name,
                zc_domain::TitleLevel::from_rank(o.level_rank).map_or("", |l| l.name()),
                o.title_name,
                o.destination
            ),
            actor_id: Some(applicant_id),
            org_name: &name,
            from_status: ApplicationStatus::Draft.code(),
            to_status: ApplicationStatus::Draft.code(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Turns a state-machine refusal into the person's message.
pub(crate) fn refusal(r: TransitionRefusal) -> ServiceError {
    ServiceError::refused("transition", r.to_string())
}

/// The progress step name of an event by a party.
fn step_name(party: Party) -> &'static str {
    match party {
        Party::Applicant => "个人申报",
        Party::Unit => "单位审核",
        Party::Department => "主管部门审核",
        Party::Office => "职改办审核",
        Party::Committee => "评审会",
        Party::System => "系统",
    }
}

/// The refusal for a transition that lost a race: the state machine's own words for the
/// status that won (so a late withdrawal reads "单位已出具审核意见…"), else a plain notice.
async fn lost_race(db: &Db, kind: ApplicationKind, id: i64, event: Event) -> ServiceError {
    let now = match applications::find(db, id).await {
        Ok(Some(app)) => Some(app.status),
        _ => None,
    };
    match now.map(|s| next_status(kind, s, event, Party::Applicant)) {
        Some(Err(r)) => refusal(r),
        _ => ServiceError::refused("raced", "该申报的状态刚刚发生了变化，请刷新后查看"),
    }
}

/// One applicant transition (withdraw, delete) in one transaction.
async fn applicant_event(
    db: &Db,
    applicant_id: i64,
    id: i64,
    event: Event,
) -> ServiceResult<ApplicationStatus> {
    let app = mine(db, applicant_id, id).await?;
    let name = zc_db::applicants::find(db, applicant_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let change = Change {
        event,
        party: Party::Applicant,
        actor_id: Some(applicant_id),
        step: step_name(Party::Applicant),
        org_name: &name,
        opinion: "",
        notice: Notice::Event,
    };
    match status_change::apply(&mut tx, &app, &change).await? {
        Ok(moved) => {
            tx.commit().await?;
            Ok(moved.to)
        }
        Err(NotMoved::Rule(r)) => Err(refusal(r)),
        Err(NotMoved::Missing) => Err(ServiceError::NotFound),
        Err(NotMoved::Raced) => {
            drop(tx);
            Err(lost_race(db, app.kind, id, event).await)
        }
    }
}

/// 撤回: only while the unit has not acted.
#[tracing::instrument(skip_all)]
pub async fn withdraw(db: &Db, applicant_id: i64, id: i64) -> ServiceResult<()> {
    applicant_event(db, applicant_id, id, Event::Withdraw)
        .await
        .map(|_| ())
}

/// 删除 a draft (kept, marked deleted).
#[tracing::instrument(skip_all)]
pub async fn delete(db: &Db, applicant_id: i64, id: i64) -> ServiceResult<()> {
    applicant_event(db, applicant_id, id, Event::Delete)
        .await
        .map(|_| ())
}
