//! 意见建议 — a person writes to a 职改办 (category, text, an optional contact and
//! picture); the office replies, the reply reaches the person as a message (and an SMS
//! if they take them). The contact is sealed; staff see it masked until they ask for it,
//! which is audited. An office reads and answers only what was sent to it.

use zc_db::{Db, feedback};
use zc_domain::{
    feedback::{BODY_MAX, FeedbackCategory, REPLY_MAX, check_contact, check_text},
    mask::{mask_email, mask_phone},
    organisation::OfficeKind,
};
use zc_storage::{Storage, images::ImageSpec, pictures};

use crate::{
    FieldErrors, ServiceError, ServiceResult, accounts::Actor, office_review::office_of,
    pii::PiiVault,
};

/// Feedback one person may send in a day; enough for anyone with something to say, few
/// enough that a script cannot bury an office.
pub const DAILY_LIMIT: i64 = 10;

/// Feedback as typed.
#[derive(Debug, Clone, Default)]
pub struct FeedbackInput {
    pub office_id: String,
    pub category: String,
    pub body: String,
    pub contact: String,
}

/// Sends feedback from `account_id`; the picture, if any, is normalised like every
/// uploaded document. Its id.
#[tracing::instrument(skip_all)]
pub async fn send(
    db: &Db,
    vault: &PiiVault,
    storage: &Storage,
    actor: Actor<'_>,
    input: &FeedbackInput,
    picture: Option<Vec<u8>>,
) -> ServiceResult<i64> {
    let account_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let office_id = input.office_id.trim().parse::<i64>().ok();
    let office = match office_id {
        Some(id) => zc_db::organisations::office(db, id).await?,
        None => None,
    };
    let office = office.filter(|o| o.kind != OfficeKind::Department.code());
    if office.is_none() {
        errors.add("office_id", "请选择受理的职改办");
    }
    let category = FeedbackCategory::from_code(input.category.trim());
    if category.is_none() {
        errors.add("category", "请选择类别");
    }
    if let Some(why) = check_text("反映的内容", &input.body, BODY_MAX) {
        errors.add("body", why);
    }
    if let Some(why) = check_contact(&input.contact) {
        errors.add("contact", why);
    }
    errors.into_result()?;
    let since = db.now() - chrono::Duration::days(1);
    if zc_db::feedback::count_since(db, account_id, since).await? >= DAILY_LIMIT {
        return Err(ServiceError::refused(
            "feedback_daily_limit",
            format!("您24小时内已提交{DAILY_LIMIT}条意见建议，请稍后再提交，或拨打职改办电话咨询"),
        ));
    }
    let (Some(office), Some(category)) = (office, category) else {
        return Err(ServiceError::NotFound);
    };
    let picture_key = match picture.filter(|p| !p.is_empty()) {
        Some(bytes) => {
            match pictures::store_image(storage, "feedback", bytes, ImageSpec::DOCUMENT)
                .await
                .map_err(anyhow::Error::from)?
            {
                Ok(stored) => Some(stored.key),
                Err(refusal) => return Err(FieldErrors::one("picture", refusal.to_string())),
            }
        }
        None => None,
    };
    let contact = input.contact.trim();
    let (contact_sealed, contact_masked) = if contact.is_empty() {
        (None, String::new())
    } else if contact.contains('@') {
        (Some(vault.seal(contact)), mask_email(contact))
    } else {
        (Some(vault.seal(contact)), mask_phone(contact))
    };
    let stored = async {
        let mut tx = db.begin_write().await?;
        let id = feedback::insert(
            &mut tx,
            &feedback::NewFeedback {
                account_id,
                office_id: office.id,
                category: category.code(),
                body: input.body.trim(),
                contact_sealed,
                contact_masked,
                picture_key: picture_key.as_deref(),
            },
        )
        .await?;
        let object = format!("feedback:{id}");
        zc_db::audit::record_in(
            &mut tx,
            &actor.event("feedback.send", &object, category.code()),
        )
        .await?;
        let title = format!("意见建议 #{id} 待回复：{}", category.label());
        let link = format!("/office/feedback/{id}");
        for staff in
            zc_db::messages::staff_of(&mut tx, "office", office.id, &["office_staff"]).await?
        {
            zc_db::messages::insert_in(&mut tx, staff, &title, "有新的意见建议待回复。", &link)
                .await?;
        }
        tx.commit().await?;
        Ok::<_, ServiceError>(id)
    }
    .await;
    if stored.is_err()
        && let Some(key) = &picture_key
    {
        // Nothing points at the picture: take it away again.
        storage.remove(key).await;
    }
    stored
}

/// The office's reply; the person is told.
#[tracing::instrument(skip_all)]
pub async fn reply(db: &Db, actor: Actor<'_>, id: i64, text: &str) -> ServiceResult<()> {
    let (staff_id, office_id) = office_of(db, &actor).await?;
    let row = feedback::find(db, id)
        .await?
        .filter(|f| f.office_id == office_id)
        .ok_or(ServiceError::NotFound)?;
    if let Some(why) = check_text("回复内容", text, REPLY_MAX) {
        return Err(FieldErrors::one("reply", why));
    }
    let mut tx = db.begin_write().await?;
    if !feedback::reply(&mut tx, id, office_id, text.trim(), staff_id).await? {
        return Err(ServiceError::refused(
            "feedback_answered",
            "这条意见建议已经回复过了，请刷新页面查看回复",
        ));
    }
    let object = format!("feedback:{id}");
    zc_db::audit::record_in(&mut tx, &actor.event("feedback.reply", &object, "")).await?;
    crate::messages::notify_person(
        &mut tx,
        row.account_id,
        &format!("您的意见建议 #{id} 已回复"),
        &format!("{}回复：{}", row.office_name, text.trim()),
        &format!("/my/feedback/{id}"),
        &format!(
            "【广西职称】您提交的意见建议#{id}已由{}回复，请登录平台查看。",
            row.office_name
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The full contact of feedback sent to the staff member's office, for a call back;
/// audited, as every look at a personal identifier is.
#[tracing::instrument(skip_all)]
pub async fn reveal_contact(
    db: &Db,
    vault: &PiiVault,
    actor: Actor<'_>,
    id: i64,
) -> ServiceResult<String> {
    let (_, office_id) = office_of(db, &actor).await?;
    let row = feedback::find(db, id)
        .await?
        .filter(|f| f.office_id == office_id)
        .ok_or(ServiceError::NotFound)?;
    let Some(sealed) = row.contact_sealed else {
        return Ok(String::new());
    };
    let contact = vault.open(&sealed).map_err(ServiceError::Internal)?;
    let object = format!("feedback:{id}");
    let mut tx = db.begin_write().await?;
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("feedback.contact_reveal", &object, ""),
    )
    .await?;
    tx.commit().await?;
    Ok(contact)
}
