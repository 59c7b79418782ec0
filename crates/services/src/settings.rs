//! 账号设置 — what a signed-in person changes about their own account.

use zc_db::{Db, accounts, applicants, audit::AuditEvent};

use crate::{
    FieldErrors, ServiceError, ServiceResult, password_hash, pii::PiiVault, recovery::NewPassword,
};

/// Changes a password after checking the current one. Every session of the account ends
/// (the caller starts a fresh one for the device in use), and the change is audited.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    db: &Db,
    vault: &PiiVault,
    account_id: i64,
    current: &str,
    new: &NewPassword,
    ip: &str,
) -> ServiceResult<()> {
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    if current.is_empty() {
        errors.add("current_password", "请填写当前密码");
    }
    // The new password may not contain the person's ID number or mobile.
    let mut personal = vec![account.login_name.clone()];
    if let Some(row) = applicants::find(db, account_id).await? {
        personal.push(vault.open(&row.id_number_sealed)?);
        personal.push(vault.open(&row.phone_sealed)?);
    }
    let personal_refs: Vec<&str> = personal.iter().map(String::as_str).collect();
    if let Err(refusal) = zc_domain::password::check_password(&new.password, &personal_refs) {
        errors.add("password", refusal.to_string());
    } else if new.password != new.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
    errors.into_result()?;
    if !crate::accounts::check_current_password(db, &account, current, None).await? {
        let mut errors = FieldErrors::default();
        errors.add("current_password", "当前密码不正确");
        zc_db::audit::record(
            db,
            &AuditEvent {
                actor_id: Some(account_id),
                actor_role: Some(&account.role),
                action: "password.change",
                object: "account",
                result: "refused",
                detail: "当前密码不正确",
                ip: Some(ip),
            },
        )
        .await?;
        return Err(ServiceError::Invalid(errors));
    }
    if new.password == current {
        let mut errors = FieldErrors::default();
        errors.add("password", "新密码不能与当前密码相同");
        return Err(ServiceError::Invalid(errors));
    }
    let hash = password_hash::hash(new.password.clone()).await?;
    crate::accounts::replace_password(
        db,
        &account,
        &hash,
        "password.change",
        "修改密码，其他设备已退出",
        ip,
    )
    .await?;
    Ok(())
}

/// Changes an applicant's security question and answer after checking their password.
#[tracing::instrument(skip_all)]
pub async fn change_security_question(
    db: &Db,
    account_id: i64,
    current: &str,
    question: &str,
    answer: &str,
    ip: &str,
) -> ServiceResult<()> {
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if applicants::find(db, account_id).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    let mut errors = FieldErrors::default();
    if current.is_empty() {
        errors.add("current_password", "请填写当前密码");
    }
    if !crate::registration::SECURITY_QUESTIONS.contains(&question) {
        errors.add("security_question", "请选择密保问题");
    }
    let normalised = crate::registration::normalise_answer(answer);
    if !(2..=50).contains(&normalised.chars().count()) {
        errors.add("security_answer", "密保答案应为2至50个字符");
    }
    errors.into_result()?;
    if !crate::accounts::check_current_password(db, &account, current, None).await? {
        let mut errors = FieldErrors::default();
        errors.add("current_password", "当前密码不正确");
        return Err(ServiceError::Invalid(errors));
    }
    let answer_hash = password_hash::hash(normalised).await?;
    let mut tx = db.begin_write().await?;
    applicants::set_security_question(&mut tx, account_id, question, &answer_hash).await?;
    let object = format!("account:{account_id}");
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(&account.role),
            action: "security_question.change",
            object: &object,
            result: "ok",
            detail: "修改密保问题",
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes an applicant's mobile: a code sent to the new number proves it, the password
/// is typed again, and the old number is told.
#[tracing::instrument(skip_all)]
pub async fn change_phone(
    sms: crate::sms::SmsContext<'_>,
    account_id: i64,
    new_phone: &str,
    code: &str,
    current: &str,
    ip: &str,
) -> ServiceResult<()> {
    let crate::sms::SmsContext {
        db,
        vault,
        sender,
        policy,
    } = sms;
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = applicants::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let phone = match zc_domain::phone::Phone::parse(new_phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("phone", e.to_string());
            None
        }
    };
    if code.trim().is_empty() {
        errors.add("sms_code", "请填写发送到新手机号的验证码");
    }
    if current.is_empty() {
        errors.add("current_password", "请填写当前密码");
    }
    let Some(phone) = phone.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let old = vault.open(&row.phone_sealed)?;
    if phone.as_str() == old {
        let mut errors = FieldErrors::default();
        errors.add("phone", "新手机号与当前手机号相同");
        return Err(ServiceError::Invalid(errors));
    }
    let index = vault.index("phone", phone.as_str());
    if applicants::account_for(db, applicants::Identifier::PhoneIndex(&index))
        .await?
        .is_some()
    {
        let mut errors = FieldErrors::default();
        errors.add("phone", "该手机号已被其他账号使用，请更换手机号");
        return Err(ServiceError::Invalid(errors));
    }
    if !crate::accounts::check_current_password(db, &account, current, None).await? {
        let mut errors = FieldErrors::default();
        errors.add("current_password", "当前密码不正确");
        return Err(ServiceError::Invalid(errors));
    }
    crate::sms::verify_code(
        db,
        vault,
        policy,
        &phone,
        crate::sms::CodePurpose::ChangePhone,
        code,
    )
    .await?;
    let masked = zc_domain::mask::mask_phone(phone.as_str());
    let mut tx = db.begin_write().await?;
    if let Err(e) = applicants::set_phone(
        &mut tx,
        account_id,
        &vault.seal(phone.as_str()),
        &index,
        &masked,
    )
    .await
    {
        if e.is_unique_violation() {
            let mut errors = FieldErrors::default();
            errors.add("phone", "该手机号已被其他账号使用，请更换手机号");
            return Err(ServiceError::Invalid(errors));
        }
        return Err(e.into());
    }
    let object = format!("account:{account_id}");
    let detail = format!("更换手机号：{} → {masked}", row.phone_masked);
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(&account.role),
            action: "phone.change",
            object: &object,
            result: "ok",
            detail: &detail,
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    if let Ok(old_phone) = zc_domain::phone::Phone::parse(&old) {
        let body = format!(
            "【广西职称】您的账号绑定手机号已更换为{masked}。如非本人操作，请立即联系客服0771-5505013。"
        );
        let message = crate::sms::SmsMessage {
            phone: &old_phone,
            template: "phone_change_notice",
            params: &[("phone", &masked)],
            body: &body,
        };
        if let Err(e) = crate::sms::send_message(db, vault, sender, &message).await {
            tracing::warn!(error = %e, "phone change notice not sent");
        }
    }
    Ok(())
}

/// 短信包 — whether an applicant's notices (审核结果, 退回, 缴费) also go by SMS. Codes for
/// signing in and recovery are sent whatever this says, since they are asked for.
#[tracing::instrument(skip_all)]
pub async fn set_sms_notices(db: &Db, account_id: i64, on: bool, ip: &str) -> ServiceResult<()> {
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    applicants::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut tx = db.begin_write().await?;
    applicants::set_sms_notices(&mut tx, account_id, on).await?;
    let object = format!("account:{account_id}");
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(&account.role),
            action: "sms_notices.change",
            object: &object,
            result: "ok",
            detail: if on {
                "开启短信通知"
            } else {
                "关闭短信通知"
            },
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
