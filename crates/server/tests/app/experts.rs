//! 评审专家库: the demo experts, their entry in the applicant portal, and the grant rules.

use chrono::NaiveDate;
use reqwest::StatusCode;
use zc_services::{
    ServiceError,
    accounts::Actor,
    demo::DEMO_EXPERT_ID,
    experts::{Grant, grant},
};

use crate::helpers::{spawn_app, texts};

#[tokio::test]
async fn a_demo_expert_sees_the_expert_entry_and_others_do_not() {
    let app = spawn_app().await;
    let password = app.demo_password.clone().unwrap();
    let res = app.login_applicant_with(DEMO_EXPERT_ID, &password).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, doc) = app.get_html("/my").await;
    assert!(texts(&doc, "#expert-title + p")[0].contains("工程系列（机械工程）评审专家库成员"));
    let (status, doc) = app.get_html("/my/expert").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&doc, "#expert-series"), ["工程"]);
    let today = app.db.today();
    let end = zc_domain::expert::full_term_end(today);
    assert_eq!(texts(&doc, "#expert-term"), [format!("{today} 至 {end}")]);

    let other = crate::helpers::spawn_second_browser(&app).await;
    other.login_applicant_here(&app).await;
    let doc = crate::helpers::html(&other.get("/my").await.text().await.unwrap());
    assert!(texts(&doc, "#expert-title").is_empty());
    let res = other.get("/my/expert").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("您目前不是评审专家库成员")
    );
}

#[tokio::test]
async fn only_offices_grant_membership_for_at_most_three_years() {
    let app = spawn_app().await;
    let zhangsan: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM account WHERE role = 'applicant' AND display_name = '张三'")
        .fetch_one(p).await)
    .unwrap();
    let staff = |login: &'static str| {
        let db = app.db.clone();
        async move {
            zc_db::accounts::find_by_login(&db, login)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let mut g = Grant {
        account_id: zhangsan,
        series_id: 1,
        specialty: "建筑工程",
        title_name: "高级工程师",
        term_start: start,
        term_end: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
    };
    let office = Actor {
        account_id: Some(staff("pingshen").await),
        role: Some(zc_domain::Role::CommitteeStaff),
        ip: Some("127.0.0.1"),
    };
    match grant(&app.db, office, &g).await {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.get("term_end"), Some("专家聘期最长3年")),
        other => panic!("{other:?}"),
    }
    let unit_admin = Actor {
        account_id: Some(staff("danwei").await),
        role: Some(zc_domain::Role::UnitAdmin),
        ip: None,
    };
    g.term_end = zc_domain::expert::full_term_end(start);
    assert!(matches!(
        grant(&app.db, unit_admin, &g).await,
        Err(ServiceError::Refused {
            code: "forbidden",
            ..
        })
    ));
    grant(&app.db, office, &g).await.unwrap();
    let row = zc_db::experts::find(&app.db, zhangsan)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.term_end, NaiveDate::from_ymd_opt(2029, 12, 31).unwrap());
    let events = zc_db::audit::recent(&app.db, 1).await.unwrap();
    assert_eq!(events[0].action, "expert.grant");
    // Not serving before the term starts.
    assert!(
        zc_services::experts::serving(
            &app.db,
            zhangsan,
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        )
        .await
        .unwrap()
        .is_none()
    );
}
