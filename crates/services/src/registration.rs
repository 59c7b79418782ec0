//! 个人用户注册 — an applicant creates their own account.
//!
//! Every field is checked first and all refusals are returned together; then the three
//! unique identifiers; then the SMS code (used up only when everything else is right);
//! then the slow hashing; and finally one transaction writes the account, the sealed
//! identity and the audit event.

use chrono::NaiveDate;
use zc_db::{Db, accounts, applicants, audit::AuditEvent};
use zc_domain::{
    Role,
    email::Email,
    id_card::{DocumentKind, IdNumber},
    mask::{mask_id_number, mask_phone},
    password::check_password,
    phone::Phone,
};

use crate::{
    FieldErrors, ServiceError, ServiceResult, password_hash,
    pii::PiiVault,
    sms::{CodePurpose, SmsPolicy, verify_code},
};

/// 密保问题 — the security questions offered.
pub const SECURITY_QUESTIONS: [&str; 6] = [
    "您母亲的姓名是？",
    "您父亲的姓名是？",
    "您的出生地是？",
    "您就读小学的校名是？",
    "您第一份工作的单位是？",
    "您配偶的生日是（例如0101）？",
];

/// The registration form as typed.
#[derive(Debug, Clone, Default)]
pub struct RegistrationInput {
    pub name: String,
    pub doc_kind: String,
    pub id_number: String,
    pub phone: String,
    pub sms_code: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    pub security_question: String,
    pub security_answer: String,
}

/// Checked values of a registration.
#[derive(Debug)]
struct Checked {
    name: String,
    id: IdNumber,
    phone: Phone,
    email: Email,
}

/// Normalises a security answer so that case and spacing do not matter.
pub fn normalise_answer(answer: &str) -> String {
    answer.split_whitespace().collect::<String>().to_lowercase()
}

fn check_fields(input: &RegistrationInput, today: NaiveDate) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = input.name.trim().to_string();
    let name_len = name.chars().count();
    if name_len == 0 {
        errors.add("name", "请填写姓名");
    } else if name_len > 50 || name.chars().any(|c| c.is_ascii_digit() || c.is_control()) {
        errors.add("name", "姓名应与证件一致，不含数字，不超过50个字");
    }
    let kind = DocumentKind::from_code(&input.doc_kind);
    if kind.is_none() {
        errors.add("doc_kind", "请选择证件类型");
    }
    let id = kind.and_then(|k| match IdNumber::parse(k, &input.id_number, today) {
        Ok(id) => Some(id),
        Err(e) => {
            errors.add("id_number", e.to_string());
            None
        }
    });
    let phone = match Phone::parse(&input.phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("phone", e.to_string());
            None
        }
    };
    if input.sms_code.trim().is_empty() {
        errors.add("sms_code", "请填写短信验证码");
    }
    let email = match Email::parse(&input.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.add("email", e.to_string());
            None
        }
    };
    let personal: Vec<&str> = [
        id.as_ref().map(|i| i.as_str()),
        phone.as_ref().map(|p| p.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Err(refusal) = check_password(&input.password, &personal) {
        errors.add("password", refusal.to_string());
    } else if input.password != input.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
    if !SECURITY_QUESTIONS.contains(&input.security_question.as_str()) {
        errors.add("security_question", "请选择密保问题");
    }
    let answer_len = normalise_answer(&input.security_answer).chars().count();
    if !(2..=50).contains(&answer_len) {
        errors.add("security_answer", "密保答案应为2至50个字符");
    }
    match (id, phone, email) {
        (Some(id), Some(phone), Some(email)) if errors.is_empty() => Ok(Checked {
            name,
            id,
            phone,
            email,
        }),
        _ => Err(errors),
    }
}

/// Registers an applicant; returns the new account id. `today` is the date in China
/// (for the age check).
#[tracing::instrument(skip_all)]
pub async fn register_applicant(
    db: &Db,
    vault: &PiiVault,
    policy: &SmsPolicy,
    input: &RegistrationInput,
    ip: &str,
    today: NaiveDate,
) -> ServiceResult<i64> {
    let checked = check_fields(input, today).map_err(ServiceError::Invalid)?;
    let id_index = vault.index("id", checked.id.as_str());
    let phone_index = vault.index("phone", checked.phone.as_str());
    let email_key = checked.email.as_str().to_lowercase();

    let taken = applicants::taken(db, &id_index, &phone_index, &email_key).await?;
    let mut errors = FieldErrors::default();
    if taken.id_number {
        errors.add(
            "id_number",
            "该证件号码已注册。如忘记密码，请使用“忘记密码”找回",
        );
    }
    if taken.phone {
        errors.add("phone", "该手机号已被其他账号使用，请更换手机号");
    }
    if taken.email {
        errors.add("email", "该电子邮箱已被其他账号使用，请更换邮箱");
    }
    errors.into_result()?;

    verify_code(
        db,
        vault,
        policy,
        &checked.phone,
        CodePurpose::Register,
        &input.sms_code,
    )
    .await?;

    store_applicant(
        db,
        vault,
        &checked,
        &input.password,
        &input.security_question,
        &input.security_answer,
        ip,
    )
    .await
}

/// Hashes the secrets and writes account, sealed identity and audit event in one
/// transaction. Callers have checked every field and the SMS code.
async fn store_applicant(
    db: &Db,
    vault: &PiiVault,
    checked: &Checked,
    password: &str,
    security_question: &str,
    security_answer: &str,
    ip: &str,
) -> ServiceResult<i64> {
    let id_index = vault.index("id", checked.id.as_str());
    let phone_index = vault.index("phone", checked.phone.as_str());
    let email_key = checked.email.as_str().to_lowercase();
    let password_hash = password_hash::hash(password.to_string()).await?;
    let answer_hash = password_hash::hash(normalise_answer(security_answer)).await?;
    // Applicants sign in with their ID number, mobile or e-mail; the login name is an
    // internal handle derived from the blind index, never the ID number itself.
    let login_name = format!("applicant-{}", &id_index[..24]);

    let mut tx = db.begin_write().await?;
    let account = accounts::NewAccount {
        login_name: &login_name,
        display_name: &checked.name,
        password_hash: &password_hash,
        role: Role::Applicant.code(),
        org_kind: None,
        org_id: None,
        duty: None,
    };
    let inserted = async {
        let account_id = accounts::insert(&mut tx, &account).await?;
        applicants::insert(
            &mut tx,
            &applicants::NewApplicant {
                account_id,
                name: &checked.name,
                doc_kind: checked.id.kind.code(),
                id_number_sealed: &vault.seal(checked.id.as_str()),
                id_number_index: &id_index,
                id_number_masked: &mask_id_number(checked.id.as_str()),
                phone_sealed: &vault.seal(checked.phone.as_str()),
                phone_index: &phone_index,
                phone_masked: &mask_phone(checked.phone.as_str()),
                email: checked.email.as_str(),
                email_key: &email_key,
                security_question,
                security_answer_hash: &answer_hash,
            },
        )
        .await?;
        Ok::<i64, zc_db::DbError>(account_id)
    }
    .await;
    let account_id = match inserted {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            // Someone registered the same identifier a moment ago.
            return Err(ServiceError::refused(
                "register_race",
                "证件号码、手机号或电子邮箱刚刚已被注册，请检查后重试",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let object = format!("account:{account_id}");
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(Role::Applicant.code()),
            action: "applicant.register",
            object: &object,
            result: "ok",
            detail: "个人用户注册",
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(account_id)
}

/// Creates an applicant without an SMS code: for demo data and trusted imports only.
#[tracing::instrument(skip_all)]
pub async fn create_applicant_unverified(
    db: &Db,
    vault: &PiiVault,
    input: &RegistrationInput,
    today: NaiveDate,
) -> ServiceResult<i64> {
    let checked = check_fields(
        &RegistrationInput {
            sms_code: "-".into(),
            ..input.clone()
        },
        today,
    )
    .map_err(ServiceError::Invalid)?;
    store_applicant(
        db,
        vault,
        &checked,
        &input.password,
        &input.security_question,
        &input.security_answer,
        "127.0.0.1",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> RegistrationInput {
        RegistrationInput {
            name: "张三".into(),
            doc_kind: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812345678".into(),
            sms_code: "123456".into(),
            email: "zhangsan@example.com".into(),
            password: "Gx-Secure-2026".into(),
            password_confirm: "Gx-Secure-2026".into(),
            security_question: SECURITY_QUESTIONS[0].into(),
            security_answer: "李 梅".into(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn a_complete_form_passes() {
        let c = check_fields(&valid(), today()).unwrap();
        assert_eq!((c.name.as_str(), c.phone.as_str()), ("张三", "13812345678"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = RegistrationInput {
            name: String::new(),
            id_number: "110105194912310021".into(),
            phone: "1381234".into(),
            sms_code: String::new(),
            email: "zhangsan".into(),
            password: "abc".into(),
            security_question: "?".into(),
            security_answer: "x".into(),
            ..valid()
        };
        let e = check_fields(&input, today()).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "name",
                "id_number",
                "phone",
                "sms_code",
                "email",
                "password",
                "security_question",
                "security_answer"
            ]
        );
        assert_eq!(
            e.get("id_number"),
            Some("居民身份证号码校验位不正确，请核对后重新输入")
        );
    }

    #[test]
    fn passwords_must_match_and_avoid_the_id_and_phone() {
        let e = check_fields(
            &RegistrationInput {
                password_confirm: "Other-2026x".into(),
                ..valid()
            },
            today(),
        )
        .unwrap_err();
        assert_eq!(e.get("password_confirm"), Some("两次输入的密码不一致"));
        let p = "Zs13812345678!".to_string();
        let e = check_fields(
            &RegistrationInput {
                password: p.clone(),
                password_confirm: p,
                ..valid()
            },
            today(),
        )
        .unwrap_err();
        assert_eq!(
            e.get("password"),
            Some("密码不能包含您的账号、证件号码或手机号")
        );
    }

    #[test]
    fn answers_ignore_case_and_spaces() {
        assert_eq!(normalise_answer(" Li  Mei "), "limei");
    }
}
