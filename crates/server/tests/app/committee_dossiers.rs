//! What a committee's tests start from: dossiers of one committee and specialty waiting
//! for review.

use crate::{
    expert_pool::{SECRETARY_PASSWORD, committee_secretary},
    helpers::{SecondBrowser, TestApp, location, spawn_second_browser},
    unit_review::{passed_by_office, submitted_application},
};

/// The committee's secretary (`mishu`), created and signed in.
pub(crate) async fn secretary_signed_in(app: &TestApp, committee: i64) -> SecondBrowser {
    committee_secretary(app, committee).await;
    let staff = spawn_second_browser(app).await;
    let res = staff
        .post(
            "/login",
            &[("login_name", "mishu"), ("password", SECRETARY_PASSWORD)],
        )
        .await;
    assert_eq!(location(&res), "/committee");
    staff
}

/// 第一次评审会议 of `plan`, held on `held`, created by the secretary; its path.
pub(crate) async fn meeting_created(staff: &SecondBrowser, plan: i64, held: &str) -> String {
    let res = staff
        .post(
            "/committee/meetings",
            &[
                ("plan_id", &plan.to_string()),
                ("name", "第一次评审会议"),
                ("held_on", held),
            ],
        )
        .await;
    location(&res)
}

/// Two dossiers of the same committee and specialty waiting for review: the demo
/// applicant's (through the real chain) and a seeded colleague's from another unit; the
/// first one's row comes with them.
pub(crate) async fn two_dossiers(app: &TestApp) -> (i64, i64, zc_db::applications::ApplicationRow) {
    let first = submitted_application(app).await;
    let row = zc_db::applications::find(&app.db, first)
        .await
        .unwrap()
        .unwrap();
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE review_plan SET charges_online = FALSE WHERE committee_id = $1")
        .bind(row.committee_id.unwrap()).execute(p).await.map(|_| ())).unwrap();
    passed_by_office(app, first, "chushen").await;
    zc_services::bulk_seed::seed_applications(&app.db, &app.vault, 1, 1, Default::default())
        .await
        .unwrap();
    let second: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT a.id FROM application a JOIN account c ON c.id = a.applicant_id WHERE c.login_name = 'seed1'")
        .fetch_one(p).await).unwrap();
    let row = zc_db::applications::find(&app.db, first)
        .await
        .unwrap()
        .unwrap();
    let other_unit = zc_db::reference::unit_id_by_name(&app.db, "柳州龙城机械制造有限公司")
        .await
        .unwrap()
        .unwrap();
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE application SET status = 'committee_pending', committee_id = $2, series_id = $3, \
         level_rank = $4, title_name = $5, office_id = $6, year = $7, unit_id = $8, snapshot = $9 WHERE id = $1")
        .bind(second).bind(row.committee_id).bind(row.series_id).bind(row.level_rank)
        .bind(row.title_name.clone()).bind(row.office_id).bind(row.year).bind(other_unit)
        .bind(row.snapshot.clone()).execute(p).await.map(|_| ())).unwrap();
    (first, second, row)
}
