//! 收费项目 — the fee items of a 评审计划: name, amount in fen, the level it applies to
//! and the last day it can be paid.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A fee item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeeItemRow {
    pub id: i64,
    pub plan_id: i64,
    /// `None`: every level of the plan.
    pub level_rank: Option<i32>,
    pub name: String,
    pub amount_fen: i64,
    pub pay_until: NaiveDate,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT id, plan_id, level_rank, name, amount_fen, pay_until, created_at FROM fee_item";

/// A plan's fee items, by level then name.
pub async fn of_plan(conn: impl Into<crate::Conn<'_>>, plan_id: i64) -> DbResult<Vec<FeeItemRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE plan_id = $1 ORDER BY level_rank NULLS FIRST, id"
    ));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(plan_id).fetch_all(p).await)?)
}

/// A fee item to add.
#[derive(Debug, Clone)]
pub struct NewFeeItem<'a> {
    pub plan_id: i64,
    pub level_rank: Option<i32>,
    pub name: &'a str,
    pub amount_fen: i64,
    pub pay_until: NaiveDate,
}

/// Adds a fee item inside `tx`; its id.
pub async fn insert(tx: &mut Tx, f: &NewFeeItem<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO fee_item (plan_id, level_rank, name, amount_fen, pay_until, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(f.plan_id).bind(f.level_rank).bind(f.name)
        .bind(f.amount_fen).bind(f.pay_until).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// Removes a fee item of a plan inside `tx`, unless an order was made from it; whether it
/// was removed.
pub async fn delete_unused(tx: &mut Tx, plan_id: i64, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM fee_item WHERE id = $1 AND plan_id = $2 \
               AND NOT EXISTS (SELECT 1 FROM payment_order o WHERE o.fee_item_id = fee_item.id)";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(plan_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// How many fee items a plan has, inside `tx`.
pub async fn count_of_plan(tx: &mut Tx, plan_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM fee_item WHERE plan_id = $1";
    Ok(with_tx!(tx, c => sqlx::query_scalar(sql).bind(plan_id).fetch_one(&mut **c).await)?)
}

/// Gives every plan that charges online but has no fee item yet one item for all levels
/// (the demo's; real plans get theirs from committee staff).
pub async fn seed_missing(
    db: &Db,
    name: &str,
    amount_fen: i64,
    pay_until: NaiveDate,
) -> DbResult<u64> {
    let sql = "INSERT INTO fee_item (plan_id, level_rank, name, amount_fen, pay_until, created_at) \
               SELECT p.id, NULL, $1, $2, $3, $4 FROM review_plan p WHERE p.charges_online \
               AND NOT EXISTS (SELECT 1 FROM fee_item f WHERE f.plan_id = p.id)";
    Ok(
        with_pool!(db, p => sqlx::query(sql).bind(name).bind(amount_fen).bind(pay_until)
        .bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?,
    )
}
