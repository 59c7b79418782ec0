//! 数据字典: the system administrator adds a series, its titles and specialties, switches
//! a series off (no new applications in it), and changes an upload slot's limits; bad
//! input is named with what was typed kept; a title in use stays; every change is
//! audited; the other admins read but cannot change anything.

use crate::{
    applications::create,
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
};

#[tokio::test]
async fn the_system_administrator_keeps_the_reference_data() {
    let app = spawn_app().await;
    // A dossier, so that its title is in use.
    app.login_applicant().await;
    let id = create(&app).await;
    let dossier = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();

    let admin = spawn_second_browser(&app).await;
    admin.login_as(&app, "sysadmin").await;
    let doc = html(&admin.get("/admin/dictionary").await.text().await.unwrap());
    assert!(
        texts(&doc, "#series-list tbody a").contains(&dossier.series_name),
        "the seeded series are listed"
    );

    // A new series: a bad code is named and the name kept.
    let res = admin
        .post(
            "/admin/dictionary",
            &[("code", "法律"), ("name", "公共法律服务")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["系列代码为2至20位小写字母、数字或下划线，以字母开头，如 gongcheng"]
    );
    assert_eq!(
        attr(&doc, "#f-name", "value").as_deref(),
        Some("公共法律服务")
    );
    let res = admin
        .post(
            "/admin/dictionary",
            &[("code", "falv"), ("name", "公共法律服务")],
        )
        .await;
    let page = location(&res);
    assert!(page.starts_with("/admin/dictionary/series/"), "{page}");
    let series_id: i64 = page
        .trim_start_matches("/admin/dictionary/series/")
        .trim_end_matches("?saved=1")
        .parse()
        .unwrap();
    let res = admin
        .post(
            "/admin/dictionary",
            &[("code", "falv2"), ("name", "公共法律服务")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), ["已有同名的系列"]);

    // Titles: one per level and name; an unknown level refused.
    let titles = format!("/admin/dictionary/series/{series_id}/titles");
    let res = admin
        .post(&titles, &[("level", ""), ("title_name", "公共法律服务师")])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), ["请选择级别"]);
    assert_eq!(
        attr(&doc, "#f-title_name", "value").as_deref(),
        Some("公共法律服务师")
    );
    assert_eq!(
        attr(&doc, "#f-name", "value").as_deref(),
        Some("公共法律服务"),
        "the series form keeps the series' own name"
    );
    let res = admin
        .post(
            &titles,
            &[("level", "zhongji"), ("title_name", "公共法律服务师")],
        )
        .await;
    assert_eq!(location(&res), format!("{page}"));
    let res = admin
        .post(
            &titles,
            &[("level", "zhongji"), ("title_name", "公共法律服务师")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["该系列的中级已有“公共法律服务师”"]
    );
    let res = admin
        .post(
            &format!("/admin/dictionary/series/{series_id}/specialties"),
            &[("specialty", "法律援助")],
        )
        .await;
    assert_eq!(location(&res), page);
    let doc = html(&admin.get(&page).await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#title-list tbody td:nth-child(2)"),
        ["公共法律服务师"]
    );
    assert!(texts(&doc, "#specialty-list li")[0].starts_with("法律援助"));

    // A title someone applied for stays.
    let used = zc_db::dictionary::titles(&app.db, dossier.series_id)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title_name == dossier.title_name && t.level_rank == dossier.level_rank)
        .unwrap();
    assert_eq!(used.used, 1);
    let res = admin
        .post(
            &format!(
                "/admin/dictionary/series/{}/titles/{}/delete",
                dossier.series_id, used.id
            ),
            &[],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["该资格名称已有人申报，不能删除；可停用整个系列或保留该名称"]
    );

    // Switching the dossier's series off closes it to new applications.
    let open = |db: zc_db::Db| async move {
        zc_db::applications::open_choices(&db, dossier.year, db.now())
            .await
            .unwrap()
            .iter()
            .filter(|c| c.series_id == dossier.series_id)
            .count()
    };
    assert!(open(app.db.clone()).await > 0);
    let series_page = format!("/admin/dictionary/series/{}", dossier.series_id);
    let res = admin
        .post(
            &series_page,
            &[
                ("form", "series"),
                ("name", &dossier.series_name),
                ("sort_order", "x"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["排序请填写0至999的整数，小的在前"]
    );
    assert_eq!(attr(&doc, "#f-sort_order", "value").as_deref(), Some("x"));
    let res = admin
        .post(
            &series_page,
            &[
                ("form", "series"),
                ("name", &dossier.series_name),
                ("sort_order", "0"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("{series_page}?saved=1"));
    assert_eq!(
        open(app.db.clone()).await,
        0,
        "no active checkbox: switched off"
    );

    // An upload slot: limits that contradict each other are named; good ones apply.
    let slot = zc_db::dictionary::slots(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.code == "diploma")
        .unwrap();
    let at = format!("/admin/dictionary/slots/{}", slot.id);
    let res = admin
        .post(
            &at,
            &[
                ("label", "学历学位证书"),
                ("required", "on"),
                ("min_count", "0"),
                ("max_count", "6"),
                ("max_kb", "800"),
                ("min_px", "9999"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["必传的材料至少要1张", "最小边长为0至2399像素（0表示不限）"]
    );
    assert_eq!(attr(&doc, "#f-min_px", "value").as_deref(), Some("9999"));
    let res = admin
        .post(
            &at,
            &[
                ("label", "学历学位证书"),
                ("required", "on"),
                ("min_count", "1"),
                ("max_count", "4"),
                ("max_kb", "900"),
                ("min_px", "800"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/dictionary/slots?saved=1");
    let used_by_forms = zc_db::application_files::slots(&app.db, "evaluation", None)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.code == "diploma")
        .unwrap();
    assert_eq!(
        (
            used_by_forms.label.as_str(),
            used_by_forms.max_count,
            used_by_forms.min_px
        ),
        ("学历学位证书", 4, 800)
    );

    let audit = zc_db::audit::recent(&app.db, 30).await.unwrap();
    for action in [
        "dictionary.series_add",
        "dictionary.title_add",
        "dictionary.specialty_add",
        "dictionary.series_update",
        "dictionary.slot_update",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action} audited");
    }

    // The security administrator reads but may not change.
    let security = spawn_second_browser(&app).await;
    security.login_as(&app, "secadmin").await;
    let doc = html(&security.get(&page).await.text().await.unwrap());
    assert!(texts(&doc, "#f-title_name").is_empty(), "no forms");
    let res = security
        .post(
            &titles,
            &[("level", "fugao"), ("title_name", "高级公共法律服务师")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["只有系统管理员可以维护数据字典"]
    );
}
