//! 机构管理: the system admin builds the office hierarchy and its committees.

use reqwest::StatusCode;

use crate::helpers::{TestApp, attr, html, location, spawn_app, texts};

async fn office_id(app: &TestApp, name: &str) -> i64 {
    zc_db::reference::office_id_by_name(&app.db, name)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_system_admin_adds_an_office_under_a_parent_and_cannot_make_a_loop() {
    let app = spawn_app().await;
    app.login_as("sysadmin").await;
    let root = office_id(&app, zc_db::seed::organisations::ROOT_OFFICE).await;
    let nanning = office_id(&app, "南宁市职称改革工作领导小组办公室").await;

    // Every field is checked, and what was typed stays.
    let res = app
        .post_form(
            "/admin/orgs/offices",
            &[
                ("name", "交通"),
                ("kind", "city_office"),
                ("region_code", ""),
                ("parent_id", ""),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    let errors = texts(&doc, "#new-office .error-summary li");
    assert_eq!(
        errors,
        [
            "请填写机构全称（4–60个字）",
            "市职改办须选择所在城市",
            "请选择上级机构"
        ]
    );
    assert_eq!(attr(&doc, "#f-name", "value").as_deref(), Some("交通"));

    let res = app
        .post_form(
            "/admin/orgs/offices",
            &[
                ("name", "广西壮族自治区交通运输厅"),
                ("kind", "department"),
                ("region_code", ""),
                ("parent_id", &root.to_string()),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/orgs");
    let transport = office_id(&app, "广西壮族自治区交通运输厅").await;
    let (_, doc) = app.get_html("/admin/orgs").await;
    let row = texts(&doc, &format!("tr[data-office='{transport}'] td"));
    assert_eq!(row[0], "广西壮族自治区交通运输厅");
    assert_eq!(row[1], "主管部门");

    // A duplicate name is refused.
    let res = app
        .post_form(
            "/admin/orgs/offices",
            &[
                ("name", "广西壮族自治区交通运输厅"),
                ("kind", "department"),
                ("parent_id", &root.to_string()),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#new-office .error-summary li"),
        ["已有同名机构，请核对名称"]
    );

    // Put the new department under 南宁; then 南宁 cannot move under its own child.
    let res = app
        .post_form(
            &format!("/admin/orgs/offices/{transport}"),
            &[
                ("name", "南宁市交通运输局"),
                ("region_code", "450100"),
                ("parent_id", &nanning.to_string()),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/orgs");
    let res = app
        .post_form(
            &format!("/admin/orgs/offices/{nanning}"),
            &[
                ("name", "南宁市职称改革工作领导小组办公室"),
                ("region_code", "450100"),
                ("parent_id", &transport.to_string()),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["上级机构不能是本机构或其下级机构"]
    );
    // The tree lists the child right after its parent, indented.
    let (_, doc) = app.get_html("/admin/orgs").await;
    let order: Vec<String> = texts(&doc, "tbody tr td[data-label=机构]");
    let at = order
        .iter()
        .position(|n| n == "南宁市职称改革工作领导小组办公室")
        .unwrap();
    assert_eq!(order[at + 1], "南宁市交通运输局");
    assert!(doc.html().contains(&format!(
        "data-office=\"{transport}\"><td data-label=\"机构\"><span class=\"indent-2\">"
    )));

    let actions: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE action LIKE 'org.%' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(actions, ["org.office.create", "org.office.update"]);
}

#[tokio::test]
async fn committees_are_added_and_edited_with_a_sane_level_range() {
    let app = spawn_app().await;
    app.login_as("sysadmin").await;
    let nanning = office_id(&app, "南宁市职称改革工作领导小组办公室").await;
    let series: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM series WHERE code = 'gongcheng'").fetch_one(p).await)
    .unwrap();

    let res = app
        .post_form(
            "/admin/orgs/committees",
            &[
                ("name", "南宁市工程系列中级职称评审委员会"),
                ("office_id", &nanning.to_string()),
                ("series_id", &series.to_string()),
                ("level_min", "4"),
                ("level_max", "3"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#new-committee .error-summary li"),
        ["最高级别不能低于最低级别"]
    );
    assert_eq!(
        attr(&doc, "#f-c-name", "value").as_deref(),
        Some("南宁市工程系列中级职称评审委员会")
    );

    let res = app
        .post_form(
            "/admin/orgs/committees",
            &[
                ("name", "南宁市工程系列中级职称评审委员会"),
                ("office_id", &nanning.to_string()),
                ("series_id", &series.to_string()),
                ("level_min", "3"),
                ("level_max", "3"),
                ("charges_online", "on"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/orgs");
    let id = zc_db::reference::committee_id_by_name(&app.db, "南宁市工程系列中级职称评审委员会")
        .await
        .unwrap()
        .unwrap();
    let (_, doc) = app.get_html(&format!("/admin/orgs/committees/{id}")).await;
    assert_eq!(
        attr(&doc, "#f-level_min option[selected]", "value").as_deref(),
        Some("3")
    );
    assert!(attr(&doc, "input[name=charges_online]", "checked").is_some());
    let res = app
        .post_form(
            &format!("/admin/orgs/committees/{id}"),
            &[
                ("name", "南宁市工程系列中级职称评审委员会"),
                ("office_id", &nanning.to_string()),
                ("series_id", &series.to_string()),
                ("level_min", "3"),
                ("level_max", "3"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/orgs");
    let row = zc_db::organisations::committee(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.charges_online, "unticked means no online fees");
}

#[tokio::test]
async fn only_the_system_admin_changes_organisations() {
    let app = spawn_app().await;
    app.login_as("secadmin").await;
    let (status, doc) = app.get_html("/admin/orgs").await;
    assert_eq!(status, StatusCode::OK, "other admins read the tree");
    assert!(texts(&doc, "#new-office").is_empty());
    let res = app
        .post_form(
            "/admin/orgs/offices",
            &[
                ("name", "某某职改办测试"),
                ("kind", "department"),
                ("parent_id", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/admin/orgs/offices/1").await.status(),
        StatusCode::FORBIDDEN
    );
    let staff = spawn_app().await;
    staff.login_as("zhigaiban").await;
    assert_eq!(
        staff.get("/admin/orgs").await.status(),
        StatusCode::FORBIDDEN
    );
}
