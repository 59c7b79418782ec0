//! 收费项目 — committee staff keep the fee items of their plans: 费用事项 (the seed's
//! wording, e.g. 代办晋升专业技术职务费), the amount in yuan as typed (kept in fen), the
//! level it applies to (or all) and the last day of 缴费时间. An item an order was made
//! from cannot be removed: the order keeps its amount and name either way.

use chrono::NaiveDate;
use zc_db::Db;
use zc_domain::payment::Fen;

use crate::{
    FieldErrors, ServiceError, ServiceResult, accounts::Actor, committee_meetings::committee_of,
};

/// A fee item as typed.
#[derive(Debug, Clone, Default)]
pub struct FeeItemInput {
    pub name: String,
    pub amount: String,
    /// A rank, or empty for every level.
    pub level: String,
    /// `YYYY-MM-DD`
    pub pay_until: String,
}

async fn own_plan(
    db: &Db,
    staff_id: i64,
    plan_id: i64,
) -> ServiceResult<zc_db::review_plans::PlanRow> {
    let committee = committee_of(db, staff_id).await?;
    zc_db::review_plans::find(db, plan_id)
        .await?
        .filter(|p| p.committee_id == committee)
        .ok_or(ServiceError::NotFound)
}

/// Adds a fee item to one of the committee's plans; its id.
#[tracing::instrument(skip_all)]
pub async fn add(
    db: &Db,
    actor: Actor<'_>,
    plan_id: i64,
    input: &FeeItemInput,
) -> ServiceResult<i64> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let plan = own_plan(db, staff_id, plan_id).await?;
    let committee = zc_db::organisations::committee(db, plan.committee_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let name = input.name.trim();
    if name.chars().count() < 2 || name.chars().count() > 40 {
        errors.add(
            "name",
            "请填写费用事项（2至40字），例如“代办晋升专业技术职务费”",
        );
    }
    let amount = Fen::parse_yuan(&input.amount)
        .map_err(|e| errors.add("amount", e.to_string()))
        .ok();
    let level = match input.level.trim() {
        "" => None,
        l => match l.parse::<i32>() {
            Ok(r) if (committee.level_min..=committee.level_max).contains(&r) => Some(r),
            _ => {
                errors.add("level", "只能选择本评委会评审的级别");
                None
            }
        },
    };
    let pay_until = NaiveDate::parse_from_str(input.pay_until.trim(), "%Y-%m-%d").ok();
    match pay_until {
        None => errors.add("pay_until", "请填写缴费截止日期，例如 2026-12-31"),
        Some(d) if d < db.today() => errors.add("pay_until", "缴费截止日期不能早于今天"),
        Some(_) => {}
    }
    errors.into_result()?;
    let (Some(amount), Some(pay_until)) = (amount, pay_until) else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = db.begin_write().await?;
    let id = zc_db::fee_items::insert(
        &mut tx,
        &zc_db::fee_items::NewFeeItem {
            plan_id,
            level_rank: level,
            name,
            amount_fen: amount.0,
            pay_until,
        },
    )
    .await?;
    let object = format!("review_plan:{plan_id}");
    let detail = format!("收费项目：{name} {amount}元，缴费截止{pay_until}");
    zc_db::audit::record_in(&mut tx, &actor.event("fee_item.add", &object, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a fee item no order was made from. The last item of a plan that charges
/// online cannot go: the plan would have nothing to charge.
#[tracing::instrument(skip_all)]
pub async fn remove(db: &Db, actor: Actor<'_>, plan_id: i64, item_id: i64) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let plan = own_plan(db, staff_id, plan_id).await?;
    let mut tx = db.begin_write().await?;
    if plan.charges_online && zc_db::fee_items::count_of_plan(&mut tx, plan_id).await? <= 1 {
        return Err(ServiceError::refused(
            "last_item",
            "该计划设置了网上缴费，至少要保留一个收费项目；如不再网上收费，请先取消网上缴费",
        ));
    }
    if !zc_db::fee_items::delete_unused(&mut tx, plan_id, item_id).await? {
        return Err(ServiceError::refused(
            "in_use",
            "已有订单按此项目收费，不能删除；可新增项目并调整缴费时间",
        ));
    }
    let object = format!("review_plan:{plan_id}");
    let detail = format!("删除收费项目 #{item_id}");
    zc_db::audit::record_in(&mut tx, &actor.event("fee_item.remove", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}
