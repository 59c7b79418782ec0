//! 我的账号 — what the owner sees of their own account (full identifiers, which nobody
//! else sees), changing the e-mail by a link sent to the new address, and the avatar.

use chrono::Duration;
use zc_db::{Db, accounts, applicants, audit::AuditEvent};
use zc_domain::mask::mask_email;

use crate::{FieldErrors, ServiceError, ServiceResult, mail::Mailer, pii::PiiVault};

/// The owner's own identity: masked, or in full after they re-entered their password.
#[derive(Debug, Clone)]
pub struct OwnIdentity {
    pub name: String,
    pub doc_kind: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    /// True when `id_number` and `phone` are shown in full.
    pub revealed: bool,
}

/// The applicant identity of `account_id`, masked; `None` for staff.
#[tracing::instrument(skip_all)]
pub async fn own_identity(db: &Db, account_id: i64) -> ServiceResult<Option<OwnIdentity>> {
    let Some(row) = applicants::find(db, account_id).await? else {
        return Ok(None);
    };
    Ok(Some(OwnIdentity {
        id_number: row.id_number_masked,
        phone: row.phone_masked,
        name: row.name,
        doc_kind: row.doc_kind,
        email: row.email,
        revealed: false,
    }))
}

/// The owner's identity in full, after checking their password again (a stale session
/// alone never shows a full ID number). Audited either way.
#[tracing::instrument(skip_all)]
pub async fn reveal_own_identity(
    db: &Db,
    vault: &PiiVault,
    account_id: i64,
    password: &str,
    ip: &str,
) -> ServiceResult<OwnIdentity> {
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = applicants::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // A locked name is refused (and audited) like a wrong password.
    let checked = crate::accounts::check_current_password(db, &account, password, Some(ip)).await;
    let ok = matches!(checked, Ok(true));
    let object = format!("account:{account_id}");
    zc_db::audit::record(
        db,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(&account.role),
            action: "pii.reveal_own",
            object: &object,
            result: if ok { "ok" } else { "refused" },
            detail: "本人查看完整证件号码和手机号",
            ip: Some(ip),
        },
    )
    .await?;
    checked?;
    if !ok {
        return Err(FieldErrors::one(
            "current_password",
            if password.is_empty() {
                "请填写当前密码"
            } else {
                "当前密码不正确"
            },
        ));
    }
    Ok(OwnIdentity {
        id_number: vault.open(&row.id_number_sealed)?,
        phone: vault.open(&row.phone_sealed)?,
        name: row.name,
        doc_kind: row.doc_kind,
        email: row.email,
        revealed: true,
    })
}

const LINK_EXPIRED: &str = "该链接已失效（超过30分钟或已使用），请重新申请更换邮箱";

/// A signed-in applicant's request to change their e-mail.
#[derive(Debug, Clone, Copy)]
pub struct EmailChangeRequest<'a> {
    pub account_id: i64,
    pub new_email: &'a str,
    pub current_password: &'a str,
    pub ip: &'a str,
}

/// Sends a confirmation link (valid 30 minutes, single use) to the new address; the
/// address changes only when that link is opened. The password is asked again.
#[tracing::instrument(skip_all)]
pub async fn request_email_change(
    db: &Db,
    vault: &PiiVault,
    mailer: &dyn Mailer,
    base_url: &str,
    request: &EmailChangeRequest<'_>,
) -> ServiceResult<()> {
    let EmailChangeRequest {
        account_id,
        new_email,
        current_password,
        ip,
    } = *request;
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = applicants::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let email = match zc_domain::email::Email::parse(new_email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.add("email", e.to_string());
            None
        }
    };
    if current_password.is_empty() {
        errors.add("current_password", "请填写当前密码");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let key = email.as_str().to_lowercase();
    if key == row.email.to_lowercase() {
        return Err(FieldErrors::one("email", "新邮箱与当前邮箱相同"));
    }
    if applicants::account_for(db, applicants::Identifier::EmailKey(&key))
        .await?
        .is_some()
    {
        return Err(FieldErrors::one(
            "email",
            "该邮箱已被其他账号使用，请更换邮箱",
        ));
    }
    if !crate::accounts::check_current_password(db, &account, current_password, None).await? {
        return Err(FieldErrors::one("current_password", "当前密码不正确"));
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    zc_db::mail::insert_email_change_token(
        db,
        account_id,
        &vault.index("email-token", &token),
        email.as_str(),
        db.now() + Duration::minutes(30),
    )
    .await?;
    let link = format!(
        "{}/account/email/confirm?token={token}",
        base_url.trim_end_matches('/')
    );
    let body = format!(
        "{}您好：\n\n您申请将广西职称平台账号的邮箱更换为本地址。请在30分钟内打开下面的链接确认（链接只能使用一次）：\n{link}\n\n如果不是您本人申请，请忽略本邮件。",
        row.name
    );
    crate::mail::send_mail(
        db,
        mailer,
        email.as_str(),
        "确认更换广西职称平台邮箱",
        &body,
        Some(&token),
    )
    .await?;
    let object = format!("account:{account_id}");
    let detail = format!("申请更换邮箱为 {}", mask_email(email.as_str()));
    zc_db::audit::record(
        db,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(&account.role),
            action: "email.change_requested",
            object: &object,
            result: "ok",
            detail: &detail,
            ip: Some(ip),
        },
    )
    .await?;
    Ok(())
}

/// The new address a live link would confirm (to show it before the person confirms).
#[tracing::instrument(skip_all)]
pub async fn pending_email_change(db: &Db, vault: &PiiVault, token: &str) -> ServiceResult<String> {
    zc_db::mail::email_change_pending(db, &vault.index("email-token", token))
        .await?
        .map(|(_, email)| email)
        .ok_or_else(|| ServiceError::refused("link_expired", LINK_EXPIRED))
}

/// Confirms a change of e-mail: the link is used up, the address changes and the old
/// address is told, all or nothing.
#[tracing::instrument(skip_all)]
pub async fn confirm_email_change(
    db: &Db,
    vault: &PiiVault,
    mailer: &dyn Mailer,
    token: &str,
    ip: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    let Some((account_id, new_email)) =
        zc_db::mail::take_email_change(&mut tx, &vault.index("email-token", token)).await?
    else {
        return Err(ServiceError::refused("link_expired", LINK_EXPIRED));
    };
    let row = applicants::find(&mut tx, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let key = new_email.to_lowercase();
    if let Err(e) = applicants::set_email(&mut tx, account_id, &new_email, &key).await {
        if e.is_unique_violation() {
            return Err(ServiceError::refused(
                "email_taken",
                "该邮箱已被其他账号使用，请重新申请更换为其他邮箱",
            ));
        }
        return Err(e.into());
    }
    let object = format!("account:{account_id}");
    let detail = format!(
        "更换邮箱：{} → {}",
        mask_email(&row.email),
        mask_email(&new_email)
    );
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some("applicant"),
            action: "email.change",
            object: &object,
            result: "ok",
            detail: &detail,
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    let body = format!(
        "{}您好：\n\n您的广西职称平台账号邮箱已更换为 {}。如非本人操作，请立即联系客服0771-5505013。",
        row.name,
        mask_email(&new_email)
    );
    // The notice is best effort: the change itself has happened.
    if let Err(e) = crate::mail::send_mail(
        db,
        mailer,
        &row.email,
        "广西职称平台邮箱已更换",
        &body,
        None,
    )
    .await
    {
        tracing::warn!(error = %e, "e-mail change notice not sent");
    }
    Ok(())
}
