//! Specialty groups of one meeting: an expert drawn for one group reads and votes on that
//! group's dossiers only; a dossier of the other group in the same meeting is "not found"
//! to them, as if it did not exist, and their ballot on it is refused.

use reqwest::StatusCode;
use zc_services::{accounts::Actor, committee_meetings as meetings, expert_work};

use crate::{
    committee_dossiers::two_dossiers,
    expert_pool::{actor, app_minimum, committee_secretary, expert, plan_of, signed_in_expert},
    helpers::{html, spawn_app, texts},
};

#[tokio::test]
async fn an_expert_of_one_group_gets_not_found_on_the_other_groups_dossier() {
    let app = spawn_app().await;
    let (first, second, row) = two_dossiers(&app).await;
    let (committee, series) = (row.committee_id.unwrap(), row.series_id);
    let minimum = app_minimum(row.level_rank);
    // Experts numbered 1.. serve 建筑工程, 51.. serve 给排水.
    for n in 1..=u64::from(minimum) {
        expert(&app, n, None, series, "建筑工程").await;
        expert(&app, 50 + n, None, series, "给排水").await;
    }
    let staff = committee_secretary(&app, committee).await;
    let by_staff = Actor {
        account_id: Some(staff),
        role: Some(zc_domain::Role::CommitteeStaff),
        ip: Some("127.0.0.1"),
    };
    let plan: i64 = plan_of(&app, committee, row.year).await;
    let held = app.db.today().to_string();
    let meeting = meetings::create(&app.db, by_staff, plan, "分组评审会议", &held)
        .await
        .unwrap();
    meetings::gather(&app.db, by_staff, meeting).await.unwrap();
    // Both dossiers came in as 建筑工程; the second belongs to the 给排水 group.
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE meeting_dossier SET specialty = '给排水' WHERE meeting_id = $1 AND application_id = $2")
        .bind(meeting).bind(second).execute(p).await.map(|_| ()))
    .unwrap();
    let minimums = zc_domain::committee::minimum_size::MinimumSizes::default();
    let building = meetings::draw_group(&app.db, by_staff, meeting, "建筑工程", minimum, &minimums)
        .await
        .unwrap();
    let water = meetings::draw_group(&app.db, by_staff, meeting, "给排水", minimum, &minimums)
        .await
        .unwrap();
    for id in building.iter().chain(&water) {
        expert_work::answer(&app.db, actor(*id), meeting, true)
            .await
            .unwrap();
    }

    let db = app.db.clone();
    let account_n = |id: i64| {
        let db = db.clone();
        async move {
            let login: String = zc_db::with_pool!(&db, p => sqlx::query_scalar(
                "SELECT login_name FROM account WHERE id = $1").bind(id).fetch_one(p).await)
            .unwrap();
            login.trim_start_matches("expert").parse::<u64>().unwrap()
        }
    };
    let builder = signed_in_expert(&app, account_n(building[0]).await).await;
    let own = format!("/my/expert/meetings/{meeting}/dossiers/{first}");
    let other = format!("/my/expert/meetings/{meeting}/dossiers/{second}");
    assert_eq!(builder.get(&own).await.status(), StatusCode::OK);
    assert_eq!(builder.get(&other).await.status(), StatusCode::NOT_FOUND);
    // The desk lists only the own group's dossier.
    let doc = html(&builder.get("/my/expert").await.text().await.unwrap());
    assert_eq!(texts(&doc, "td[data-label=编号]"), [format!("#{first}")]);

    // And the other way round, through the service as well.
    let plumber = signed_in_expert(&app, account_n(water[0]).await).await;
    assert_eq!(plumber.get(&other).await.status(), StatusCode::OK);
    assert_eq!(plumber.get(&own).await.status(), StatusCode::NOT_FOUND);
    assert!(matches!(
        expert_work::assigned(&app.db, water[0], meeting, first).await,
        Err(zc_services::ServiceError::NotFound)
    ));

    // Once the vote is open, a ballot on the other group's dossier is refused whole.
    let present: Vec<i64> = building.iter().chain(&water).copied().collect();
    meetings::open_vote(&app.db, by_staff, meeting, &present)
        .await
        .unwrap();
    let ballot = expert_work::vote(
        &app.db,
        &app.vault,
        actor(building[0]),
        meeting,
        &[(first, "agree".into()), (second, "agree".into())],
    )
    .await;
    assert!(matches!(ballot, Err(zc_services::ServiceError::NotFound)));
    assert_eq!(
        zc_db::ballots::sealed_count(&app.db, meeting)
            .await
            .unwrap(),
        0,
        "nothing of the refused ballot reached the box"
    );
}
