//! 填报说明: a 职改办 writes its guide for the year and links policy documents; the
//! applicant reads that guide with their series' links beside the pledge; bad input is
//! named with what was typed kept; another office cannot touch the links.

use crate::{
    applications::create,
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::office_staff_for,
};

#[tokio::test]
async fn an_office_writes_its_guide_and_the_applicant_reads_it_before_sending() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    let dossier = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();

    // Before the office writes anything, the platform's words (the seed's) stand.
    let (_, list) = app.get_html("/my/applications").await;
    assert!(
        texts(&list, "#filing-guide p")[3]
            .starts_with("3. 个人所选择申报系列的专业技术资格评审条件")
    );

    let office = office_staff_for(&app, id, "chushen").await;
    let year = dossier.year.to_string();
    let page = html(
        &office
            .get(&format!("/office/filing-guide?year={year}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&page, "#f-body")[0].starts_with("欢迎您参加广西壮族自治区专业技术资格的申报"));

    // Too short: refused on the same page with the text kept.
    let res = office
        .post(
            "/office/filing-guide",
            &[("year", &year), ("body", "请阅读")],
        )
        .await;
    let page = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&page, ".error-summary li"),
        ["请填写填报说明（至少20个字）"]
    );
    assert_eq!(texts(&page, "#f-body"), ["请阅读"]);
    let body =
        "请认真阅读本年度工程系列评审条件和自治区评审部署文件。\n报送后不能修改，请核对后再报送。";
    let res = office
        .post("/office/filing-guide", &[("year", &year), ("body", body)])
        .await;
    assert_eq!(
        location(&res),
        format!("/office/filing-guide?year={year}&saved=1")
    );

    // A link that is not a web address is refused, with title and address kept.
    let res = office
        .post(
            "/office/filing-guide/links",
            &[
                ("year", year.as_str()),
                ("series_id", ""),
                ("title", "评审部署文件"),
                ("url", "javascript:alert(1)"),
            ],
        )
        .await;
    let page = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&page, ".error-summary li"),
        ["请填写以 https:// 或 http:// 开头的完整网址"]
    );
    assert_eq!(
        attr(&page, "#f-title", "value").as_deref(),
        Some("评审部署文件")
    );
    assert_eq!(
        attr(&page, "#f-url", "value").as_deref(),
        Some("javascript:alert(1)")
    );
    let series = dossier.series_id.to_string();
    let other_series: i64 = zc_db::organisations::series(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .find(|s| *s != dossier.series_id)
        .unwrap();
    for (series_id, title, url) in [
        (
            "",
            "2026年度职称评审工作部署",
            "https://rst.gxzf.gov.cn/zt/2026zcps/",
        ),
        (
            series.as_str(),
            "本系列评审条件",
            "https://rst.gxzf.gov.cn/zt/2026zcps/tj.html",
        ),
        (
            &other_series.to_string(),
            "其他系列评审条件",
            "https://rst.gxzf.gov.cn/zt/2026zcps/qt.html",
        ),
    ] {
        let res = office
            .post(
                "/office/filing-guide/links",
                &[
                    ("year", year.as_str()),
                    ("series_id", series_id),
                    ("title", title),
                    ("url", url),
                ],
            )
            .await;
        assert_eq!(
            location(&res),
            format!("/office/filing-guide?year={year}&saved=1")
        );
    }

    // The applicant reads the office's words and the links for every series and theirs.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    assert_eq!(
        texts(&doc, "#filing-guide > p"),
        [
            "请认真阅读本年度工程系列评审条件和自治区评审部署文件。",
            "报送后不能修改，请核对后再报送。"
        ]
    );
    assert_eq!(
        texts(&doc, "#guide-links a"),
        ["2026年度职称评审工作部署", "本系列评审条件"]
    );

    // Another office cannot remove this office's link; its own staff can, audited.
    let link: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM filing_guide_link ORDER BY id LIMIT 1").fetch_one(p).await)
    .unwrap();
    let other_office = zc_db::reference::offices(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .find(|o| *o != dossier.office_id)
        .unwrap();
    zc_services::accounts::create_account(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: "qita".into(),
            display_name: "他处初审员".into(),
            password: "Office-Review-2026".into(),
            role: zc_domain::Role::OfficeStaff,
            org: Some(("office", other_office)),
        },
        zc_services::accounts::Actor::default(),
    )
    .await
    .unwrap();
    let stranger = spawn_second_browser(&app).await;
    stranger
        .post(
            "/login",
            &[("login_name", "qita"), ("password", "Office-Review-2026")],
        )
        .await;
    let res = stranger
        .post(
            &format!("/office/filing-guide/links/{link}/delete"),
            &[("year", year.as_str())],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::NOT_FOUND);
    let res = office
        .post(
            &format!("/office/filing-guide/links/{link}/delete"),
            &[("year", year.as_str())],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/office/filing-guide?year={year}&saved=1")
    );
    let actions: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE action LIKE 'filing_guide.%' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(
        actions,
        [
            "filing_guide.save",
            "filing_guide.link_add",
            "filing_guide.link_add",
            "filing_guide.link_add",
            "filing_guide.link_remove"
        ]
    );
}
