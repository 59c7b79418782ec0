//! What a committee's tests start from: dossiers of one committee and specialty waiting
//! for review.

use crate::{
    helpers::TestApp,
    unit_review::{passed_by_office, submitted_application},
};

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
