//! 退回修改 on the applicant's side: the open return's sections and reasons (shown on the
//! card, the home page and the sections until the next reviewer decides), and the returned
//! sections a resubmission would leave unchanged.

use std::collections::BTreeMap;

use zc_db::{Db, applications::ApplicationRow};
use zc_domain::application::{returned, sections::sections_for};

use crate::{ServiceResult, application_parts};

/// A section of the open return, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedSection {
    pub code: String,
    /// The section's title, e.g. 学历情况.
    pub title: &'static str,
    pub reason: String,
    /// Who returned it, e.g. the unit's name.
    pub by: String,
}

/// The open return of a dossier, in the order of its form.
#[tracing::instrument(skip_all)]
pub async fn open_return(db: &Db, app: &ApplicationRow) -> ServiceResult<Vec<ReturnedSection>> {
    let reasons = zc_db::unit_review::open_reasons(db, app.id).await?;
    let mut out: Vec<(usize, ReturnedSection)> = reasons
        .into_iter()
        .map(|r| {
            let form = sections_for(app.kind);
            let at = form.iter().position(|s| s.code == r.section);
            let title = at.map_or("其他", |i| form[i].title);
            (
                at.unwrap_or(usize::MAX),
                ReturnedSection {
                    code: r.section,
                    title,
                    reason: r.reason,
                    by: r.returned_by,
                },
            )
        })
        .collect();
    out.sort_by_key(|(at, _)| *at);
    Ok(out.into_iter().map(|(_, s)| s).collect())
}

/// The section 编辑 opens: the first returned one, else the form's first.
pub fn first_to_fix(app: &ApplicationRow, open: &[ReturnedSection]) -> &'static str {
    let codes: Vec<&str> = open.iter().map(|s| s.code.as_str()).collect();
    returned::first_to_fix(sections_for(app.kind), &codes).unwrap_or("basic")
}

/// The titles of the returned sections the draft leaves as they were returned (no part
/// changed, no picture added since): what 报送 warns about.
#[tracing::instrument(skip_all)]
pub async fn unanswered(db: &Db, app: &ApplicationRow) -> ServiceResult<Vec<&'static str>> {
    let reasons = zc_db::unit_review::open_reasons(db, app.id).await?;
    let Some(since) = reasons.iter().map(|r| r.returned_at).min() else {
        return Ok(Vec::new());
    };
    let Some(before) = zc_db::applications::returned_snapshot(db, app.id).await? else {
        return Ok(Vec::new());
    };
    let before = application_parts::parts_from_snapshot(&before);
    let now = application_parts::load(db, app.id).await?;
    let json = |m: &BTreeMap<String, _>, code: &String| {
        m.get(code)
            .map(application_parts::to_json)
            .unwrap_or_default()
    };
    let changed: Vec<&str> = before
        .keys()
        .chain(now.keys())
        .filter(|code| json(&before, code) != json(&now, code))
        .map(String::as_str)
        .collect();
    let slots = crate::application_files::slots(db, app).await?;
    let files = zc_db::application_files::for_application(db, app.id).await?;
    let new_pictures: Vec<&str> = files
        .iter()
        .filter(|f| f.created_at >= since)
        .filter_map(|f| slots.iter().find(|s| s.code == f.slot))
        .map(|s| s.section.as_str())
        .collect();
    let codes: Vec<&str> = reasons.iter().map(|r| r.section.as_str()).collect();
    Ok(
        returned::unanswered(sections_for(app.kind), &codes, &changed, &new_pictures)
            .into_iter()
            .map(|s| s.title)
            .collect(),
    )
}
