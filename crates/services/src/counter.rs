//! 窗口服务 — help at the 职改办's window for a person who can no longer receive codes:
//! the registered mobile is gone and there is no e-mail. The staff member checks the ID
//! card in person and records the new mobile; the person then resets the password with a
//! code to it. A security question alone never resets a password (see `recovery`).

use zc_db::{
    applicants,
    audit::{self},
};
use zc_domain::{Role, mask::mask_phone, phone::Phone};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    sms::{SmsContext, SmsMessage, send_message},
};

/// What the staff member types at the window.
#[derive(Debug, Clone, Default)]
pub struct CounterPhone<'a> {
    pub id_number: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    /// The staff member has checked the original ID card in person.
    pub card_checked: bool,
}

/// Records a new mobile for the person holding `id_number`; the masked new number.
/// Every session of the person ends, the change is audited as the staff member's, and
/// both numbers are told.
#[tracing::instrument(skip_all)]
pub async fn change_phone(
    sms: SmsContext<'_>,
    actor: Actor<'_>,
    input: &CounterPhone<'_>,
) -> ServiceResult<String> {
    let SmsContext {
        db, vault, sender, ..
    } = sms;
    if actor.role != Some(Role::OfficeStaff) {
        return Err(ServiceError::refused(
            "forbidden",
            "只有职改办工作人员可以在窗口更换手机号",
        ));
    }
    let mut errors = FieldErrors::default();
    let id_number: String = input
        .id_number
        .split_whitespace()
        .collect::<String>()
        .to_uppercase();
    if id_number.is_empty() {
        errors.add("id_number", "请填写证件号码");
    }
    if input.name.trim().is_empty() {
        errors.add("name", "请填写姓名");
    }
    let phone = Phone::parse(input.phone)
        .map_err(|e| errors.add("phone", e.to_string()))
        .ok();
    if !input.card_checked {
        errors.add("card_checked", "请先核验本人身份证原件，再勾选确认");
    }
    let Some(phone) = phone.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let index = vault.index("id", &id_number);
    let row =
        match applicants::account_for(db, applicants::Identifier::IdNumberIndex(&index)).await? {
            Some(id) => applicants::find(db, id)
                .await?
                .filter(|a| a.name == input.name.trim()),
            None => None,
        };
    let Some(row) = row else {
        return Err(FieldErrors::one(
            "id_number",
            "证件号码与姓名不匹配，或该证件号码未注册",
        ));
    };
    let old = vault.open(&row.phone_sealed)?;
    if phone.as_str() == old {
        return Err(FieldErrors::one("phone", "新手机号与当前手机号相同"));
    }
    let phone_index = vault.index("phone", phone.as_str());
    let masked = mask_phone(phone.as_str());
    let mut tx = db.begin_write().await?;
    if let Err(e) = applicants::set_phone(
        &mut tx,
        row.account_id,
        &vault.seal(phone.as_str()),
        &phone_index,
        &masked,
    )
    .await
    {
        if e.is_unique_violation() {
            return Err(FieldErrors::one(
                "phone",
                "该手机号已被其他账号使用，请更换手机号",
            ));
        }
        return Err(e.into());
    }
    // Whoever held the old number may be signed in: their sessions end.
    zc_db::accounts::end_sessions_in(&mut tx, row.account_id).await?;
    let object = format!("account:{}", row.account_id);
    let detail = format!(
        "窗口更换手机号（已核验身份证原件）：{} → {masked}",
        row.phone_masked
    );
    audit::record_in(
        &mut tx,
        &actor.event("phone.counter_change", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    let body = format!(
        "【广西职称】您的账号绑定手机号已在职改办窗口更换为{masked}。如非本人办理，请立即联系客服0771-5505013。"
    );
    for number in [Some(phone), Phone::parse(&old).ok()].into_iter().flatten() {
        let message = SmsMessage {
            phone: &number,
            template: "phone_change_notice",
            params: &[("phone", &masked)],
            body: &body,
        };
        // The notices are best effort: the change itself has happened.
        if let Err(e) = send_message(db, vault, sender, &message).await {
            tracing::warn!(error = ?e, "counter phone change notice not sent");
        }
    }
    Ok(masked)
}
