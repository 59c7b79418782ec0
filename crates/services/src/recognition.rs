//! 职称认定 and 重新确认 — the two kinds a 职改办 decides without a committee: opening a
//! draft for a 职改办 that accepts them this year, 报送职改办, and checking the 认定条件
//! against what the person entered (shown on 基本情况 and in the missing list, and enforced
//! at 同意并报送; 重新确认 confirms a title already held and has no such conditions).

use chrono::{DateTime, Utc};
use zc_db::{
    Db,
    applications::ApplicationRow,
    recognition::{OpenOffice, Qualification},
};
use zc_domain::application::{
    ApplicationKind,
    recognition::{self, BASIC_PART, Facts, Rule},
    sections::PartData,
};

use crate::{
    FieldErrors, ServiceResult,
    applications::{Opening, draft_of_kind, open_draft, retarget, year_in_china},
};

/// What the 认定 part of 我要申报 offers now.
#[derive(Debug, Clone)]
pub struct Choices {
    pub offices: Vec<OpenOffice>,
    pub qualifications: Vec<Qualification>,
}

/// The 职改办 accepting `kind` now and the qualifications it can grant (认定 up to 中级,
/// 重新确认 any level); none when no office accepts it.
#[tracing::instrument(skip_all)]
pub async fn choices(db: &Db, kind: ApplicationKind, now: DateTime<Utc>) -> ServiceResult<Choices> {
    let offices = match kind {
        // A certificate is lost any day of the year: every 职改办 replaces its own.
        ApplicationKind::Replacement | ApplicationKind::Verification => {
            zc_db::reference::offices(db)
                .await?
                .into_iter()
                .filter(|o| o.kind != "department")
                .map(|o| OpenOffice {
                    office_id: o.id,
                    office_name: o.name,
                    apply_until: now + chrono::Duration::days(366),
                })
                .collect()
        }
        _ => zc_db::recognition::open_offices(db, year_in_china(now), now).await?,
    };
    let max_rank = match kind {
        ApplicationKind::Recognition => 3,
        _ => 5,
    };
    let qualifications = if offices.is_empty() || kind == ApplicationKind::Evaluation {
        Vec::new()
    } else {
        zc_db::recognition::qualifications(db, max_rank).await?
    };
    Ok(Choices {
        offices,
        qualifications,
    })
}

/// The value of a qualification in the form: `series:rank:title`.
pub fn qualification_value(q: &Qualification) -> String {
    format!("{}:{}:{}", q.series_id, q.level_rank, q.title_name)
}

/// What the person picked in the form: the kind, the 职改办 and the qualification.
#[derive(Debug, Clone, Copy)]
pub struct Picked<'a> {
    pub kind: ApplicationKind,
    pub office: &'a str,
    pub qualification: &'a str,
}

/// 我要申报 → 职称认定 or 重新确认: a draft for the qualification, sent to the office.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    applicant_id: i64,
    picked: Picked<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let open = choices(db, picked.kind, now).await?;
    let (office, q) = chosen(&open, picked.office, picked.qualification)?;
    routed(db, picked.kind, office, q).await?;
    open_draft(db, applicant_id, &opening(picked.kind, office, q), now).await
}

/// 报送职改办 of a 认定 or 重新确认 draft: another 职改办, level or title.
#[tracing::instrument(skip_all)]
pub async fn change(
    db: &Db,
    applicant_id: i64,
    id: i64,
    picked: Picked<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let app = draft_of_kind(db, applicant_id, id, picked.kind).await?;
    let open = choices(db, picked.kind, now).await?;
    let (office, q) = chosen(&open, picked.office, picked.qualification)?;
    routed(db, picked.kind, office, q).await?;
    retarget(db, applicant_id, &app, &opening(picked.kind, office, q)).await
}

/// 遗失补办 of a 高级 title goes to the 职改办 of a committee granting it; 审验 of one to
/// the 自治区职改办.
async fn routed(
    db: &Db,
    kind: ApplicationKind,
    office: &OpenOffice,
    q: &Qualification,
) -> ServiceResult<()> {
    match kind {
        ApplicationKind::Replacement => {
            crate::replacement::check_route(db, office.office_id, q.series_id, q.level_rank).await
        }
        ApplicationKind::Verification => {
            crate::verification::check_route(db, office.office_id, q.level_rank).await
        }
        _ => Ok(()),
    }
}

fn opening<'a>(kind: ApplicationKind, office: &'a OpenOffice, q: &'a Qualification) -> Opening<'a> {
    Opening {
        kind,
        series_id: q.series_id,
        series_name: &q.series_name,
        level_rank: q.level_rank,
        title_name: &q.title_name,
        committee_id: None,
        office_id: office.office_id,
        destination: &office.office_name,
    }
}

/// The office and qualification picked in the form, or the fields' refusals.
fn chosen<'a>(
    open: &'a Choices,
    office: &str,
    qualification: &str,
) -> ServiceResult<(&'a OpenOffice, &'a Qualification)> {
    let mut errors = FieldErrors::default();
    let office = open
        .offices
        .iter()
        .find(|o| o.office_id.to_string() == office.trim());
    if office.is_none() {
        errors.add("office", "请选择正在受理的职改办");
    }
    let wanted = open
        .qualifications
        .iter()
        .find(|q| qualification_value(q) == qualification);
    if wanted.is_none() {
        errors.add("qualification", "请选择拟认定的系列、级别和资格名称");
    }
    errors.into_result()?;
    match (office, wanted) {
        (Some(office), Some(q)) => Ok((office, q)),
        _ => Err(crate::ServiceError::NotFound),
    }
}

/// Why the dossier does not meet the 认定条件 yet, once 基本情况 holds the dates; `None`
/// when it does, or when the dates are not entered yet (the part is then incomplete).
/// `birth` (from the sealed ID number, where the caller holds the vault) adds the check
/// that the dates come after it.
#[tracing::instrument(skip_all)]
pub async fn shortfall(
    db: &Db,
    app: &ApplicationRow,
    parts: &std::collections::BTreeMap<String, PartData>,
    today: chrono::NaiveDate,
    birth: Option<chrono::NaiveDate>,
) -> ServiceResult<Option<String>> {
    if app.kind != ApplicationKind::Recognition {
        return Ok(None);
    }
    let Some(PartData::Single(values)) = parts.get(BASIC_PART) else {
        return Ok(None);
    };
    let month = |key: &str| {
        values
            .get(key)
            .and_then(|v| chrono::NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").ok())
    };
    let (Some(education), Some(graduated), Some(work_start)) = (
        values.get("education").filter(|e| !e.is_empty()),
        month("graduated"),
        month("work_start"),
    ) else {
        return Ok(None);
    };
    let rules: Vec<Rule> = zc_db::recognition::rules_for(db, app.series_id)
        .await?
        .into_iter()
        .map(|r| Rule {
            education: r.education,
            level_rank: r.level_rank,
            months: r.months,
        })
        .collect();
    let facts = Facts {
        education,
        graduated,
        work_start,
        birth,
    };
    Ok(recognition::check(&rules, facts, app.level_rank, today).err())
}

/// The birth date in the applicant's sealed resident ID number (other documents carry
/// none).
#[tracing::instrument(skip_all)]
pub async fn birth_of(
    db: &Db,
    vault: &crate::pii::PiiVault,
    applicant_id: i64,
) -> ServiceResult<Option<chrono::NaiveDate>> {
    let Some(a) = zc_db::applicants::find(db, applicant_id).await? else {
        return Ok(None);
    };
    if a.doc_kind != zc_domain::id_card::DocumentKind::ResidentId.code() {
        return Ok(None);
    }
    let number = vault
        .open(&a.id_number_sealed)
        .map_err(|e| crate::ServiceError::internal(e.context("opening an ID number")))?;
    Ok(number
        .get(6..14)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y%m%d").ok()))
}

/// What the 认定 pages say about the conditions: met, not met and why, or not yet known.
#[tracing::instrument(skip_all)]
pub async fn eligibility_notice(
    db: &Db,
    vault: &crate::pii::PiiVault,
    app: &ApplicationRow,
    today: chrono::NaiveDate,
) -> ServiceResult<Option<Result<String, String>>> {
    if app.kind != ApplicationKind::Recognition {
        return Ok(None);
    }
    let parts = crate::application_parts::load(db, app.id).await?;
    let birth = birth_of(db, vault, app.applicant_id).await?;
    let level = zc_domain::TitleLevel::from_rank(app.level_rank).map_or("", |l| l.name());
    let entered = matches!(parts.get(BASIC_PART), Some(PartData::Single(v))
        if ["education", "graduated", "work_start"].iter().all(|k| v.get(*k).is_some_and(|x| !x.is_empty())));
    if !entered {
        return Ok(Some(Err(format!(
            "请在“基本情况”中填写最高学历、毕业时间和参加专业技术工作时间，系统将判断是否符合{level}认定条件"
        ))));
    }
    Ok(Some(
        match shortfall(db, app, &parts, today, birth).await? {
            Some(why) => Err(why),
            None => Ok(format!("符合{level}认定条件")),
        },
    ))
}
