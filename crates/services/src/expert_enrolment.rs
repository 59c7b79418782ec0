//! 评委专家入库申请 — an applicant asks to join the expert pool (series and specialty,
//! current title and when it was obtained, unit, administrative post, research field,
//! contact, and the people they must not judge); the committee office of that series
//! approves it for a term of at most 3 years, which grants the expert role and the
//! 评审专家 entry, or returns it with a reason. Declared conflicts become recusals that
//! the draw honours.

use chrono::NaiveDate;
use zc_db::{Db, expert_enrolments::EnrolmentRow};
use zc_domain::{
    expert::{check_term, full_term_end},
    expert_enrolment::{EnrolmentDecision, EnrolmentRefusal, may_apply},
    id_card::{DocumentKind, IdNumber},
    phone::Phone,
};

use crate::{
    FieldErrors, ServiceError, ServiceResult, accounts::Actor, committee_meetings::committee_of,
    pii::PiiVault,
};

/// The request as typed.
#[derive(Debug, Clone, Default)]
pub struct EnrolmentInput {
    pub series_id: String,
    pub specialty: String,
    pub title_name: String,
    pub title_obtained_on: String,
    pub unit_name: String,
    pub post: String,
    pub research_field: String,
    pub phone: String,
    pub recusal_note: String,
    /// Identity numbers of people to recuse from, one per line.
    pub recusal_ids: String,
    /// The applicant declares the information true and accepts the rules.
    pub pledge: bool,
}

fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    label: &str,
    max: usize,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("请填写{label}"));
    } else if v.chars().count() > max {
        errors.add(field, format!("{label}不能超过{max}个字"));
    }
    v.to_string()
}

/// The state machine's refusal in its words.
fn refusal(r: EnrolmentRefusal) -> ServiceError {
    ServiceError::refused(r.code(), r.to_string())
}

/// Submits a request; refused while another is pending and once the person is admitted.
#[tracing::instrument(skip_all)]
pub async fn submit(
    db: &Db,
    vault: &PiiVault,
    actor: Actor<'_>,
    input: &EnrolmentInput,
) -> ServiceResult<i64> {
    let account_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let latest = zc_db::expert_enrolments::latest_of(db, account_id).await?;
    may_apply(latest.map(|e| e.status)).map_err(refusal)?;
    let mut errors = FieldErrors::default();
    let series = zc_db::organisations::series(db).await?;
    let series_id = input
        .series_id
        .parse::<i64>()
        .ok()
        .filter(|id| series.iter().any(|s| s.id == *id));
    if series_id.is_none() {
        errors.add("series_id", "请选择评审系列");
    }
    let specialty = text(&mut errors, "specialty", &input.specialty, "专业", 30);
    let title = text(&mut errors, "title_name", &input.title_name, "现任职称", 30);
    let obtained = NaiveDate::parse_from_str(input.title_obtained_on.trim(), "%Y-%m-%d").ok();
    match obtained {
        None => errors.add("title_obtained_on", "请填写职称取得时间，例如 2015-12-01"),
        Some(d) if d > db.today() => errors.add("title_obtained_on", "职称取得时间不能晚于今天"),
        Some(_) => {}
    }
    let unit = text(&mut errors, "unit_name", &input.unit_name, "工作单位", 60);
    let post = input.post.trim().to_string();
    if post.chars().count() > 30 {
        errors.add("post", "行政职务不能超过30个字");
    }
    let field = text(
        &mut errors,
        "research_field",
        &input.research_field,
        "研究方向",
        100,
    );
    let phone = Phone::parse(&input.phone);
    if let Err(e) = &phone {
        errors.add("phone", e.to_string());
    }
    let note = input.recusal_note.trim().to_string();
    if note.chars().count() > 500 {
        errors.add("recusal_note", "回避说明不能超过500个字");
    }
    let mut indexes = Vec::new();
    for line in input
        .recusal_ids
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match IdNumber::parse(DocumentKind::ResidentId, line, db.today()) {
            Ok(id) => indexes.push(vault.index("id", id.as_str())),
            Err(_) => {
                errors.add("recusal_ids", format!("“{line}”不是有效的身份证号码"));
                break;
            }
        }
    }
    if !input.pledge {
        errors.add("pledge", "请阅读并确认专家承诺");
    }
    errors.into_result()?;
    let (Some(series_id), Some(obtained), Ok(phone)) = (series_id, obtained, phone) else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = db.begin_write().await?;
    let id = zc_db::expert_enrolments::insert(
        &mut tx,
        &zc_db::expert_enrolments::NewEnrolment {
            account_id,
            series_id,
            specialty: &specialty,
            title_name: &title,
            title_obtained_on: obtained,
            unit_name: &unit,
            post: &post,
            research_field: &field,
            phone_sealed: &vault.seal(phone.as_str()),
            phone_masked: &zc_domain::mask::mask_phone(phone.as_str()),
            recusal_note: &note,
            recusal_indexes: &indexes.join("\n"),
        },
    )
    .await?;
    let object = format!("expert_enrolment:{id}");
    zc_db::audit::record_in(&mut tx, &actor.event("expert.enrol", &object, &specialty)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The committee's series, for its staff.
async fn series_of_staff(db: &Db, staff_id: i64) -> ServiceResult<i64> {
    let committee = committee_of(db, staff_id).await?;
    Ok(zc_db::organisations::committee(db, committee)
        .await?
        .ok_or(ServiceError::NotFound)?
        .series_id)
}

/// The pending requests a committee's staff decide (their series).
#[tracing::instrument(skip_all)]
pub async fn pending_for(db: &Db, staff_id: i64) -> ServiceResult<Vec<EnrolmentRow>> {
    let series = series_of_staff(db, staff_id).await?;
    Ok(zc_db::expert_enrolments::pending_in_series(db, series).await?)
}

/// Approves a request for a term from today to `term_end` (at most 3 years; empty means
/// the full 3 years): grants the expert role and records the declared recusals.
#[tracing::instrument(skip_all)]
pub async fn approve(db: &Db, actor: Actor<'_>, id: i64, term_end: &str) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let series = series_of_staff(db, staff_id).await?;
    let e = zc_db::expert_enrolments::find(db, id)
        .await?
        .filter(|e| e.series_id == series)
        .ok_or(ServiceError::NotFound)?;
    let approved = e
        .status
        .after(EnrolmentDecision::Approve)
        .map_err(refusal)?;
    let start = db.today();
    let end = if term_end.trim().is_empty() {
        full_term_end(start)
    } else {
        NaiveDate::parse_from_str(term_end.trim(), "%Y-%m-%d")
            .map_err(|_| FieldErrors::one("term_end", "聘期截止日期应写成 2029-12-31 这样的日期"))?
    };
    check_term(start, end).map_err(|r| FieldErrors::one("term_end", r.to_string()))?;
    let grant = crate::experts::Grant {
        account_id: e.account_id,
        series_id: e.series_id,
        specialty: &e.specialty,
        title_name: &e.title_name,
        term_start: start,
        term_end: end,
    };
    let name = crate::experts::check_grant(db, actor, &grant).await?;
    let mut tx = db.begin_write().await?;
    if !zc_db::expert_enrolments::decide(&mut tx, id, approved, "", staff_id).await? {
        return Err(ServiceError::refused("decided", "该申请已处理"));
    }
    crate::experts::grant_in(&mut tx, actor, &grant, &name).await?;
    for index in e.recusal_indexes.lines().filter(|l| !l.is_empty()) {
        if let Some(applicant) = zc_db::applicants::account_for(
            &mut tx,
            zc_db::applicants::Identifier::IdNumberIndex(index),
        )
        .await?
        {
            zc_db::meetings::insert_recusal(&mut tx, e.account_id, applicant, "入库时申报回避")
                .await?;
        }
    }
    crate::messages::notify_person(
        &mut tx,
        e.account_id,
        "评委专家入库申请已通过",
        &format!(
            "您已入选{}评审专家库（{}），聘期 {start} 至 {end}。",
            e.series_name, e.specialty
        ),
        "/my/expert",
        "【广西职称】您的评委专家入库申请已通过，请登录平台查看。",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Returns a request with a reason (at least 5 characters).
#[tracing::instrument(skip_all)]
pub async fn return_request(db: &Db, actor: Actor<'_>, id: i64, reason: &str) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let series = series_of_staff(db, staff_id).await?;
    let e = zc_db::expert_enrolments::find(db, id)
        .await?
        .filter(|e| e.series_id == series)
        .ok_or(ServiceError::NotFound)?;
    let returned = e.status.after(EnrolmentDecision::Return).map_err(refusal)?;
    let reason = reason.trim();
    if reason.chars().count() < 5 {
        return Err(FieldErrors::one("reason", "请写明退回原因（至少5个字）"));
    }
    let mut tx = db.begin_write().await?;
    if !zc_db::expert_enrolments::decide(&mut tx, id, returned, reason, staff_id).await? {
        return Err(ServiceError::refused("decided", "该申请已处理"));
    }
    crate::messages::notify_person(
        &mut tx,
        e.account_id,
        "评委专家入库申请被退回",
        &format!("退回原因：{reason}。您可以修改后重新申请。"),
        "/my/expert/enrol",
        "【广西职称】您的评委专家入库申请被退回，请登录平台查看原因。",
    )
    .await?;
    let object = format!("expert_enrolment:{id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("expert.enrol_return", &object, reason),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
