//! 个人用户 rows: sealed identifiers with blind indexes. Sealing and indexing happen in
//! the service layer; this module stores and finds rows.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// An applicant's identity row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicantRow {
    pub account_id: i64,
    pub name: String,
    pub doc_kind: String,
    pub id_number_sealed: String,
    pub id_number_masked: String,
    pub phone_sealed: String,
    pub phone_masked: String,
    pub email: String,
    pub security_question: String,
    pub security_answer_hash: String,
    pub unit_id: Option<i64>,
    pub sms_notices: bool,
    pub created_at: DateTime<Utc>,
}

/// A new applicant row.
#[derive(Debug, Clone)]
pub struct NewApplicant<'a> {
    pub account_id: i64,
    pub name: &'a str,
    pub doc_kind: &'a str,
    pub id_number_sealed: &'a str,
    pub id_number_index: &'a str,
    pub id_number_masked: &'a str,
    pub phone_sealed: &'a str,
    pub phone_index: &'a str,
    pub phone_masked: &'a str,
    pub email: &'a str,
    pub email_key: &'a str,
    pub security_question: &'a str,
    pub security_answer_hash: &'a str,
}

const COLUMNS: &str = "account_id, name, doc_kind, id_number_sealed, id_number_masked, \
    phone_sealed, phone_masked, email, security_question, security_answer_hash, unit_id, \
    sms_notices, created_at";

/// Inserts the identity of a new applicant account inside `tx`. A taken ID number, mobile
/// or e-mail surfaces as a unique violation naming its index.
pub async fn insert(tx: &mut Tx, a: &NewApplicant<'_>) -> DbResult<()> {
    let sql = "INSERT INTO applicant (account_id, name, doc_kind, id_number_sealed, \
        id_number_index, id_number_masked, phone_sealed, phone_index, phone_masked, email, \
        email_key, security_question, security_answer_hash, sms_notices, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, TRUE, $14)";
    with_tx!(tx, c => sqlx::query(sql).bind(a.account_id).bind(a.name).bind(a.doc_kind)
        .bind(a.id_number_sealed).bind(a.id_number_index).bind(a.id_number_masked)
        .bind(a.phone_sealed).bind(a.phone_index).bind(a.phone_masked).bind(a.email)
        .bind(a.email_key).bind(a.security_question).bind(a.security_answer_hash)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Which identifier a lookup uses.
#[derive(Debug, Clone, Copy)]
pub enum Identifier<'a> {
    IdNumberIndex(&'a str),
    PhoneIndex(&'a str),
    EmailKey(&'a str),
}

/// Finds the account id of the applicant with this identifier.
pub async fn account_for(
    conn: impl Into<crate::Conn<'_>>,
    ident: Identifier<'_>,
) -> DbResult<Option<i64>> {
    let (sql, value) = match ident {
        Identifier::IdNumberIndex(v) => (
            "SELECT account_id FROM applicant WHERE id_number_index = $1",
            v,
        ),
        Identifier::PhoneIndex(v) => ("SELECT account_id FROM applicant WHERE phone_index = $1", v),
        Identifier::EmailKey(v) => ("SELECT account_id FROM applicant WHERE email_key = $1", v),
    };
    Ok(crate::with_conn!(conn, p => sqlx::query_scalar(sql).bind(value).fetch_optional(p).await)?)
}

/// Which of the three unique identifiers are already registered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Taken {
    pub id_number: bool,
    pub phone: bool,
    pub email: bool,
}

/// Checks the three identifiers at once (before the slow password hashing).
pub async fn taken(db: &Db, id_index: &str, phone_index: &str, email_key: &str) -> DbResult<Taken> {
    let sql = "SELECT \
        EXISTS (SELECT 1 FROM applicant WHERE id_number_index = $1), \
        EXISTS (SELECT 1 FROM applicant WHERE phone_index = $2), \
        EXISTS (SELECT 1 FROM applicant WHERE email_key = $3)";
    let (id_number, phone, email): (bool, bool, bool) = with_pool!(db, p => sqlx::query_as(sql)
        .bind(id_index).bind(phone_index).bind(email_key).fetch_one(p).await)?;
    Ok(Taken {
        id_number,
        phone,
        email,
    })
}

/// The applicant row of an account.
pub async fn find(
    conn: impl Into<crate::Conn<'_>>,
    account_id: i64,
) -> DbResult<Option<ApplicantRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applicant WHERE account_id = $1"
    ));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(account_id).fetch_optional(p).await)?)
}

/// Sets an applicant's unit inside `tx`.
pub async fn set_unit(tx: &mut Tx, account_id: i64, unit_id: i64) -> DbResult<()> {
    let sql = "UPDATE applicant SET unit_id = $2 WHERE account_id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(unit_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    // The home page names the person's unit.
    tx.forget_on_commit(crate::memo::Forget::Home(account_id))
        .await
}

/// Replaces the security question and the hash of its answer inside `tx`.
pub async fn set_security_question(
    tx: &mut Tx,
    account_id: i64,
    question: &str,
    answer_hash: &str,
) -> DbResult<()> {
    let sql = "UPDATE applicant SET security_question = $2, security_answer_hash = $3 WHERE account_id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(question).bind(answer_hash)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Turns an applicant's SMS notices on or off inside `tx`.
pub async fn set_sms_notices(tx: &mut Tx, account_id: i64, on: bool) -> DbResult<()> {
    let sql = "UPDATE applicant SET sms_notices = $2 WHERE account_id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(on)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces an applicant's mobile inside `tx`; a number registered to someone else
/// surfaces as a unique violation.
pub async fn set_phone(
    tx: &mut Tx,
    account_id: i64,
    sealed: &str,
    index: &str,
    masked: &str,
) -> DbResult<()> {
    let sql = "UPDATE applicant SET phone_sealed = $2, phone_index = $3, phone_masked = $4 WHERE account_id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(sealed).bind(index).bind(masked)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces an applicant's e-mail inside `tx`; an address registered to someone else
/// surfaces as a unique violation.
pub async fn set_email(tx: &mut Tx, account_id: i64, email: &str, email_key: &str) -> DbResult<()> {
    let sql = "UPDATE applicant SET email = $2, email_key = $3 WHERE account_id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(email).bind(email_key)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
