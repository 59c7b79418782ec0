//! 审核报送 — what is still missing, and 同意并报送: the dossier is frozen in a snapshot
//! and sent to the unit, once however often the form is posted.

use serde_json::json;
use zc_db::{Db, applications};
use zc_domain::application::{
    Event, Party,
    sections::{Missing, PartData, part_missing, sections_for},
};

use crate::{
    ServiceError, ServiceResult, application_parts,
    applications::{mine, refusal},
    status_change::{self, Change, NotMoved, Notice},
};

/// What is still missing before the application can be submitted, section by section:
/// incomplete parts and upload slots short of their minimum.
#[tracing::instrument(skip_all)]
pub async fn missing_items(db: &Db, id: i64) -> ServiceResult<Vec<Missing>> {
    let app = applications::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let parts = application_parts::load(db, id).await?;
    let slots = crate::application_files::slots(db, &app).await?;
    let files = zc_db::application_files::for_application(db, id).await?;
    let mut uploads = crate::application_files::slots_missing(&slots, &files);
    let empty = PartData::Empty;
    let today = db.today();
    // 认定条件 not met yet: said where the dates are entered.
    let shortfall = crate::recognition::shortfall(db, &app, &parts, today, None).await?;
    let mut missing: Vec<Missing> = sections_for(app.kind)
        .iter()
        .flat_map(|s| {
            let mut lines: Vec<Missing> = s
                .parts
                .iter()
                .flat_map(|p| {
                    part_missing(p, parts.get(p.code).unwrap_or(&empty))
                        .into_iter()
                        .map(|message| Missing {
                            section: s.code,
                            message,
                        })
                })
                .collect();
            let (here, rest): (Vec<_>, Vec<_>) = uploads
                .drain(..)
                .partition(|(section, _)| section == s.code);
            uploads = rest;
            lines.extend(here.into_iter().map(|(_, message)| Missing {
                section: s.code,
                message,
            }));
            lines
        })
        .collect();
    if let Some(message) = shortfall {
        missing.push(Missing {
            section: zc_domain::application::recognition::BASIC_PART,
            message,
        });
    }
    if let Some(message) = crate::replacement::submission_gate(db, &app).await? {
        missing.push(Missing {
            section: zc_domain::application::replacement::INFO_PART,
            message,
        });
    }
    if let Some(message) = crate::verification::submission_gate(db, &app).await? {
        missing.push(Missing {
            section: zc_domain::application::verification::INFO_PART,
            message,
        });
    }
    Ok(missing)
}

/// What 报送 says when returned sections would go back unchanged.
pub fn unanswered_message(titles: &[&str]) -> String {
    format!(
        "被退回的栏目“{}”还没有修改。请按退回意见修改后再报送；如确实无需修改，请在“报送说明”中写明原因后报送",
        titles.join("、")
    )
}

/// The outcome of 同意并报送.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Sent to the unit now.
    Now,
    /// The same form had already been sent (a double click or a retry).
    Already,
}

/// Longest 报送说明, in characters.
pub const NOTE_MAX: usize = 500;

/// 同意并报送: freezes the dossier and sends it to the unit. `token` identifies the form
/// that was posted, so a repeated post does not submit twice. `note` (报送说明) goes into
/// the progress history; it is required when a returned section is sent back unchanged.
#[tracing::instrument(skip_all)]
pub async fn submit(
    db: &Db,
    applicant_id: i64,
    id: i64,
    pledged: bool,
    token: &str,
    note: &str,
) -> ServiceResult<Submitted> {
    let app = mine(db, applicant_id, id).await?;
    // This very form was committed before (a double click, or a retry after a lost
    // answer): show the submitted dossier, whatever has happened to it since.
    if !token.is_empty() && applications::submit_token(db, id).await?.as_deref() == Some(token) {
        return Ok(Submitted::Already);
    }
    if !pledged {
        return Err(crate::FieldErrors::one(
            "pledge",
            "请阅读并勾选个人承诺后再报送",
        ));
    }
    // 遗失补办: the notice must have run its 5 working days, said with the day it opens.
    if let Some(why) = crate::replacement::submission_gate(db, &app).await? {
        return Err(ServiceError::refused("incomplete", why));
    }
    let missing = missing_items(db, id).await?;
    if !missing.is_empty() {
        return Err(ServiceError::refused(
            "incomplete",
            format!("还有{}项内容未完成，请补充后再报送", missing.len()),
        ));
    }
    let note = note.trim();
    if note.chars().count() > NOTE_MAX {
        return Err(crate::FieldErrors::one(
            "note",
            format!(
                "报送说明不能超过{NOTE_MAX}个字（现有{}个）",
                note.chars().count()
            ),
        ));
    }
    let unanswered = crate::application_returns::unanswered(db, &app).await?;
    if !unanswered.is_empty() && note.is_empty() {
        return Err(crate::FieldErrors::one(
            "note",
            unanswered_message(&unanswered),
        ));
    }
    let applicant = zc_db::applicants::find(db, applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unit_ok = zc_db::units::find(db, app.unit_id)
        .await?
        .is_some_and(|u| u.status.open_to_applicants());
    if !unit_ok {
        return Err(ServiceError::refused(
            "no_unit",
            "您申报时选择的单位目前不是审核通过状态，请联系单位或重新选择所在单位",
        ));
    }
    let parts = application_parts::load(db, id).await?;
    let snapshot = json!({
        "series": app.series_name,
        "level_rank": app.level_rank,
        "title": app.title_name,
        "committee": app.committee_name,
        "office": app.office_name,
        "name": applicant.name,
        "id_number_masked": applicant.id_number_masked,
        "parts": parts
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::from_str::<serde_json::Value>(&application_parts::to_json(v)).unwrap_or_default()))
            .collect::<serde_json::Map<_, _>>(),
    })
    .to_string();
    let unit_name = zc_db::reference::org_name(db, "unit", app.unit_id)
        .await?
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    // 审验 goes straight to the office that verifies it.
    let mut opinion = if app.kind.skips_unit() {
        format!("已报送至{}", app.office_name)
    } else {
        format!("已报送至{unit_name}")
    };
    if !note.is_empty() {
        opinion.push_str("。报送说明：");
        opinion.push_str(note);
    }
    let change = Change {
        event: Event::Submit,
        party: Party::Applicant,
        actor_id: Some(applicant_id),
        step: "个人报送",
        org_name: &applicant.name,
        opinion: &opinion,
        notice: Notice::Titled {
            title: "已报送",
            opinion: "",
        },
    };
    match status_change::apply(&mut tx, &app, &change).await? {
        Ok(_) => {}
        Err(not_moved) => {
            // The same form sent twice at once: the other request submitted it.
            if !token.is_empty()
                && applications::submit_token(&mut tx, id).await?.as_deref() == Some(token)
            {
                return Ok(Submitted::Already);
            }
            return Err(match not_moved {
                NotMoved::Rule(r) => refusal(r),
                NotMoved::Missing => ServiceError::NotFound,
                NotMoved::Raced => {
                    ServiceError::refused("raced", "该申报的状态刚刚发生了变化，请刷新后查看")
                }
            });
        }
    }
    // The reasons of a return stay open until the reviewer decides again, so the
    // applicant still sees them after sending (see decision_record).
    applications::record_submission(&mut tx, id, token, &snapshot).await?;
    tx.commit().await?;
    Ok(Submitted::Now)
}
