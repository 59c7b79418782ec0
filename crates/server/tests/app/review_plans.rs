//! 评审计划: the committee's plan for a year sets the application window that the
//! applicant side opens and closes by; bad dates are refused on the page.

use crate::helpers::{html, location, spawn_app, spawn_second_browser, texts};

#[tokio::test]
async fn a_committee_plan_sets_the_window_the_applicant_side_opens_by() {
    let app = spawn_app().await;
    let staff = spawn_second_browser(&app).await;
    staff.login_as(&app, "pingshen").await;
    let committee = zc_db::accounts::find_by_login(&app.db, "pingshen")
        .await
        .unwrap()
        .unwrap()
        .org_id
        .unwrap();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let year = today.format("%Y").to_string();
    // The applicant is offered this committee while its window is open.
    app.login_applicant().await;
    let offered = |doc: &scraper::Html| {
        crate::helpers::attrs(doc, "input[name=choice]", "value")
            .iter()
            .any(|v| v.starts_with(&format!("{committee}:")))
    };
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(offered(&doc));

    let res = staff
        .post(
            "/committee/plans",
            &[
                ("year", &year),
                ("apply_from", &today.to_string()),
                (
                    "apply_until",
                    &(today - chrono::Duration::days(3)).to_string(),
                ),
                ("specialties", ""),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#apply_until-error"),
        ["申报截止日期不能早于开始日期"]
    );
    assert_eq!(
        crate::helpers::attr(&doc, "#f-year", "value").as_deref(),
        Some(year.as_str())
    );
    // Closing the window yesterday takes the committee off the applicant's list.
    let res = staff
        .post(
            "/committee/plans",
            &[
                ("year", &year),
                (
                    "apply_from",
                    &(today - chrono::Duration::days(30)).to_string(),
                ),
                (
                    "apply_until",
                    &(today - chrono::Duration::days(1)).to_string(),
                ),
                ("specialties", "建筑工程、市政工程\n建筑工程"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/committee/plans");
    let doc = html(&staff.get("/committee/plans").await.text().await.unwrap());
    assert!(
        texts(&doc, "tbody td[data-label=评审专业]").contains(&"建筑工程、市政工程".to_string())
    );
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(!offered(&doc), "the window is closed");

    // Open again for one level only: the applicant is offered that level alone.
    let range = zc_db::organisations::committee(&app.db, committee)
        .await
        .unwrap()
        .unwrap();
    let only = range.level_min.to_string();
    let res = staff
        .post(
            "/committee/plans",
            &[
                ("year", &year),
                (
                    "apply_from",
                    &(today - chrono::Duration::days(1)).to_string(),
                ),
                (
                    "apply_until",
                    &(today + chrono::Duration::days(30)).to_string(),
                ),
                ("specialties", "建筑工程"),
                ("levels", &only),
            ],
        )
        .await;
    assert_eq!(location(&res), "/committee/plans");
    let (_, doc) = app.get_html("/my/applications").await;
    let ranks: Vec<String> = crate::helpers::attrs(&doc, "input[name=choice]", "value")
        .into_iter()
        .filter(|v| v.starts_with(&format!("{committee}:")))
        .map(|v| v.split(':').nth(1).unwrap().to_string())
        .collect();
    assert!(
        !ranks.is_empty() && ranks.iter().all(|r| *r == only),
        "{ranks:?}"
    );
    // A level outside the committee's range is refused.
    let res = staff
        .post(
            "/committee/plans",
            &[
                ("year", &year),
                ("apply_from", &today.to_string()),
                ("apply_until", &today.to_string()),
                ("specialties", "建筑工程"),
                ("levels", "9"),
            ],
        )
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("只能选择本评委会评审的级别")
    );
}
