//! 认定受理与缴费 — a 职改办's online fee for the 职称认定 and 重新确认 it decides, charged
//! after its 初审通过 through the same orders and cashier as a committee's fees; audited.

use chrono::NaiveDate;
use zc_db::Db;
use zc_domain::payment::Fen;

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor, office_review::Desk};

/// The fee form as typed; an empty or zero amount means no online fee.
#[derive(Debug, Clone, Default)]
pub struct FeeInput {
    pub name: String,
    /// 元, e.g. `50` or `50.00`.
    pub amount: String,
    /// `YYYY-MM-DD`, the last China day it can be paid.
    pub pay_until: String,
}

/// Sets the fee of the staff member's 职改办 for the year of `today`.
#[tracing::instrument(skip_all)]
pub async fn set(
    db: &Db,
    actor: Actor<'_>,
    input: &FeeInput,
    today: NaiveDate,
) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let Desk::Office(office_id) = Desk::of(db, staff_id).await? else {
        return Err(ServiceError::NotFound);
    };
    let year = chrono::Datelike::year(&today);
    let amount = input.amount.trim();
    let free = amount.is_empty() || amount.trim_end_matches('元').trim().parse::<f64>() == Ok(0.0);
    let mut errors = FieldErrors::default();
    let (name, fen, pay_until) = if free {
        (String::new(), 0, None)
    } else {
        let fen = match Fen::parse_yuan(amount) {
            Ok(f) => f.0,
            Err(_) => {
                errors.add(
                    "amount",
                    "请填写收费金额（元），例如 50 或 50.00；不收费请留空",
                );
                0
            }
        };
        let name = input.name.trim().to_string();
        if !(2..=30).contains(&name.chars().count()) {
            errors.add("name", "请填写收费项目名称（2–30个字），例如 职称认定费");
        }
        let pay_until = NaiveDate::parse_from_str(input.pay_until.trim(), "%Y-%m-%d").ok();
        match pay_until {
            None => errors.add("pay_until", "请填写缴费截止日期，例如 2026-12-31"),
            Some(d) if d < today => errors.add("pay_until", "缴费截止日期不能早于今天"),
            Some(_) => {}
        }
        (name, fen, pay_until)
    };
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    if !zc_db::recognition::set_fee(&mut tx, office_id, year, &name, fen, pay_until).await? {
        return Err(ServiceError::refused(
            "no_window",
            format!("本职改办{year}年度尚未开放职称认定受理，不能设置缴费"),
        ));
    }
    let detail = if fen == 0 {
        format!("{year}年度认定不在网上收费")
    } else {
        format!(
            "{year}年度认定收费：{name} {} 元，缴费截止 {}",
            Fen(fen).yuan(),
            pay_until.map(|d| d.to_string()).unwrap_or_default()
        )
    };
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("recognition.fee", &format!("office:{office_id}"), &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
