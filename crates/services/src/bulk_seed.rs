//! 压测数据 — `zhicheng seed-applications`: thousands of applicants, each with one
//! submitted application spread over the approved units, the open committees and the
//! review statuses, so that queues and exports can be measured at deadline-day size.
//! Identity numbers and mobiles are sealed and indexed exactly as registration does.

use chrono::Duration;
use zc_db::{
    Db,
    accounts::NewAccount,
    applicants::NewApplicant,
    bulk_seed::{SeededApplication, approved_units, insert_application},
};
use zc_domain::{
    Role,
    application::ApplicationStatus,
    mask::{mask_id_number, mask_phone},
};

use crate::{ServiceError, ServiceResult, pii::PiiVault};

/// The statuses seeded, with their weight out of 20: most dossiers wait at a desk.
const SPREAD: [(ApplicationStatus, u32); 7] = [
    (ApplicationStatus::UnitPending, 6),
    (ApplicationStatus::OfficePending, 6),
    (ApplicationStatus::DepartmentPending, 2),
    (ApplicationStatus::ReturnedToApplicant, 2),
    (ApplicationStatus::CommitteePending, 2),
    (ApplicationStatus::UnitFailed, 1),
    (ApplicationStatus::ReturnedToUnit, 1),
];

const SURNAMES: [&str; 12] = [
    "韦", "黄", "李", "覃", "陆", "莫", "蒙", "梁", "卢", "蓝", "农", "廖",
];
const GIVEN: [&str; 10] = [
    "建华", "明", "秀英", "志强", "丽", "海燕", "国庆", "春梅", "伟", "桂芳",
];

fn status_for(i: u64) -> ApplicationStatus {
    let mut slot = (i % 20) as u32;
    for (status, weight) in SPREAD {
        if slot < weight {
            return status;
        }
        slot -= weight;
    }
    ApplicationStatus::UnitPending
}

/// How the seeded applications are spread.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeedShape {
    /// Every application in this status instead of the usual spread.
    pub status: Option<ApplicationStatus>,
    /// Every application in the first approved unit (the demo unit), instead of all units.
    pub one_unit: bool,
}

/// Seeds `count` applicants with one application each, in transactions of 500; how many
/// were written. `first` numbers the accounts, so several runs can add to each other.
#[tracing::instrument(skip_all)]
pub async fn seed_applications(
    db: &Db,
    vault: &PiiVault,
    first: u64,
    count: u64,
    shape: SeedShape,
) -> ServiceResult<u64> {
    let year = chrono::Datelike::year(&db.today());
    let choices = zc_db::applications::open_choices(db, year, db.now()).await?;
    let mut units = approved_units(db).await?;
    if shape.one_unit {
        units.truncate(1);
    }
    if choices.is_empty() || units.is_empty() {
        return Err(ServiceError::refused(
            "nothing_open",
            "没有开放申报的评委会或审核通过的单位，无法生成测试数据（请先以演示模式启动一次）",
        ));
    }
    // Dossiers seeded 待缴费 get their order as 初审通过 gives it, where the committee
    // charges online; elsewhere they wait at the committee, as if no fee were due.
    let mut charges = Vec::with_capacity(choices.len());
    for c in &choices {
        let plan = zc_db::review_plans::for_year(db, c.committee_id, year).await?;
        charges.push(match plan {
            Some(p) => p.charges_online && !zc_db::fee_items::of_plan(db, p.id).await?.is_empty(),
            None => false,
        });
    }
    // One hash for every seeded account: they are for measuring, not for signing in.
    let hash = crate::password_hash::hash(format!("seed-{}", rand::random::<u64>())).await?;
    let now = db.now();
    let mut written = 0;
    let mut i = first;
    while written < count {
        let mut tx = db.begin_write().await?;
        // Seeded dossiers belong to people whose homes may be remembered.
        tx.forget_on_commit(zc_db::memo::Forget::Homes).await?;
        let end = (written + 500).min(count);
        while written < end {
            let account_id = insert_applicant(&mut tx, vault, i, &hash).await?;
            let (unit_id, _) = units[(i as usize) % units.len()];
            zc_db::applicants::set_unit(&mut tx, account_id, unit_id).await?;
            let c = (i as usize / units.len()) % choices.len();
            let choice = &choices[c];
            let mut status = shape.status.unwrap_or_else(|| status_for(i));
            if status == ApplicationStatus::AwaitingFee && !charges[c] {
                status = ApplicationStatus::CommitteePending;
            }
            let id = insert_application(
                &mut tx,
                &SeededApplication {
                    applicant_id: account_id,
                    unit_id,
                    year,
                    series_id: choice.series_id,
                    level_rank: choice.level_rank,
                    title_name: &choice.title_name,
                    committee_id: choice.committee_id,
                    office_id: choice.office_id,
                    status: status.code(),
                    submitted_at: now - Duration::minutes((i % 40_000) as i64),
                },
            )
            .await?;
            if status == ApplicationStatus::AwaitingFee {
                let app = zc_db::applications::find(&mut tx, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                // One 初审通过 a second, going back, as a season of them would be spread.
                let passed_at = now - Duration::seconds(i as i64);
                crate::payments::orders::open_for_dossier(&mut tx, &app, passed_at).await?;
            }
            written += 1;
            i += 1;
        }
        tx.commit().await?;
    }
    Ok(written)
}

/// Seeds `count` applicants who sign in with `password` (as [`seeded_email`]), each in an
/// approved unit and without an application, numbered from `first`: the people of a load
/// test who create, fill and submit a dossier of their own. Returns how many were written.
#[tracing::instrument(skip_all)]
pub async fn seed_applicants(
    db: &Db,
    vault: &PiiVault,
    first: u64,
    count: u64,
    password: &str,
) -> ServiceResult<u64> {
    if let Err(why) = zc_domain::password::check_password(password, &[]) {
        return Err(ServiceError::refused(
            "weak_password",
            format!("测试账号的密码不符合要求：{why}"),
        ));
    }
    let units = approved_units(db).await?;
    if units.is_empty() {
        return Err(ServiceError::refused(
            "nothing_open",
            "没有审核通过的单位，无法生成测试账号（请先以演示模式启动一次）",
        ));
    }
    let hash = crate::password_hash::hash(password.to_string()).await?;
    let mut written = 0;
    while written < count {
        let mut tx = db.begin_write().await?;
        // Seeded dossiers belong to people whose homes may be remembered.
        tx.forget_on_commit(zc_db::memo::Forget::Homes).await?;
        let end = (written + 500).min(count);
        while written < end {
            let i = first + written;
            let account_id = insert_applicant(&mut tx, vault, i, &hash).await?;
            let (unit_id, _) = units[(i as usize) % units.len()];
            zc_db::applicants::set_unit(&mut tx, account_id, unit_id).await?;
            written += 1;
        }
        tx.commit().await?;
    }
    Ok(written)
}

/// Writes seeded applicant number `i` (account, sealed identifiers) inside `tx`.
/// The `i`th seeded person's 居民身份证号码: a real-looking one (南宁市青秀区, born from
/// 1970-01-01 on, a thousand per day, with its check character), so that every search
/// staff can type works on seeded data as on real data. Unique up to a million people.
fn seeded_id_number(i: u64) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
        + chrono::Duration::days((i / 1000) as i64);
    let first17 = format!("450103{}{:03}", born.format("%Y%m%d"), i % 1000);
    let check = zc_domain::id_card::resident_id_check_char(first17.as_bytes());
    format!("{first17}{check}")
}

async fn insert_applicant(
    tx: &mut zc_db::Tx,
    vault: &PiiVault,
    i: u64,
    hash: &str,
) -> ServiceResult<i64> {
    let id_number = seeded_id_number(i);
    let phone = format!("139{:08}", i % 100_000_000);
    let name = format!(
        "{}{}",
        SURNAMES[(i % 12) as usize],
        GIVEN[((i / 12) % 10) as usize]
    );
    let login = format!("seed{i}");
    let account_id = zc_db::accounts::insert(
        tx,
        &NewAccount {
            login_name: &login,
            display_name: &name,
            password_hash: hash,
            role: Role::Applicant.code(),
            org_kind: None,
            org_id: None,
            duty: None,
        },
    )
    .await?;
    let email = seeded_email(i);
    zc_db::applicants::insert(
        tx,
        &NewApplicant {
            account_id,
            name: &name,
            doc_kind: "resident_id",
            id_number_sealed: &vault.seal(&id_number),
            id_number_index: &vault.index("id", &id_number),
            id_number_masked: &mask_id_number(&id_number),
            phone_sealed: &vault.seal(&phone),
            phone_index: &vault.index("phone", &phone),
            phone_masked: &mask_phone(&phone),
            email: &email,
            email_key: &email,
            security_question: "seed",
            security_answer_hash: hash,
        },
    )
    .await?;
    Ok(account_id)
}

/// The e-mail address seeded applicant number `i` signs in with.
pub fn seeded_email(i: u64) -> String {
    format!("seed{i}@example.test")
}

/// A seeded applicant whose draft is ready to submit.
#[derive(Debug, Clone)]
pub struct ReadyDraft {
    /// Signs in at `/my/login` with this and the seeding password.
    pub email: String,
    pub application_id: i64,
}

/// Seeds `count` applicants who sign in with `password`, each with a draft copied from the
/// complete application `template` (same unit, choice, parts and pictures), so that load
/// tests can have many people press 同意并报送 at once. Numbered from `first`.
#[tracing::instrument(skip_all)]
pub async fn seed_ready_drafts(
    db: &Db,
    vault: &PiiVault,
    template: i64,
    first: u64,
    count: u64,
    password: &str,
) -> ServiceResult<Vec<ReadyDraft>> {
    let unit_id = zc_db::applications::find(db, template)
        .await?
        .ok_or(ServiceError::NotFound)?
        .unit_id;
    let hash = crate::password_hash::hash(password.to_string()).await?;
    let now = db.now();
    let mut out = Vec::with_capacity(count as usize);
    let mut tx = db.begin_write().await?;
    tx.forget_on_commit(zc_db::memo::Forget::Homes).await?;
    for i in first..first + count {
        let account_id = insert_applicant(&mut tx, vault, i, &hash).await?;
        zc_db::applicants::set_unit(&mut tx, account_id, unit_id).await?;
        let application_id =
            zc_db::bulk_seed::insert_draft_copy(&mut tx, template, account_id, now).await?;
        out.push(ReadyDraft {
            email: seeded_email(i),
            application_id,
        });
    }
    tx.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_covers_twenty_slots_with_most_at_a_desk() {
        assert_eq!(SPREAD.iter().map(|(_, w)| w).sum::<u32>(), 20);
        let pending = (0..20)
            .filter(|i| status_for(*i) == ApplicationStatus::UnitPending)
            .count();
        assert_eq!(pending, 6);
    }

    #[test]
    fn seeded_identity_numbers_are_valid_and_distinct() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let mut seen = std::collections::HashSet::new();
        for i in (0..3000).chain([999_999]) {
            let n = seeded_id_number(i);
            let parsed = zc_domain::id_card::IdNumber::parse(
                zc_domain::id_card::DocumentKind::ResidentId,
                &n,
                today,
            );
            assert!(parsed.is_ok(), "{n}: {parsed:?}");
            assert!(seen.insert(n));
        }
    }
}
