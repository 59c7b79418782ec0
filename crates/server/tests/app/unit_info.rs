//! 单位信息: a unit's staff read its registered details; its administrator asks for a
//! change with a reason (refused when nothing changed, when one already waits, or when
//! asked by a reviewer); the reviewing office sees what changes and approves, which
//! rewrites the unit, or refuses with a reason. Everything is audited and announced.

use reqwest::StatusCode;
use zc_domain::Role;

use crate::{
    access_world::staff_of,
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
};

#[tokio::test]
async fn a_unit_asks_for_a_change_and_its_office_approves_it() {
    let app = spawn_app().await;
    let admin = spawn_second_browser(&app).await;
    admin.login_as(&app, "danwei").await;
    let doc = html(&admin.get("/unit/info").await.text().await.unwrap());
    let name = texts(&doc, "#unit-name").remove(0);
    assert_eq!(attr(&doc, "#f-name", "value"), Some(name.clone()));
    let unit_id = zc_db::reference::unit_id_by_name(&app.db, &name)
        .await
        .unwrap()
        .unwrap();
    let unit = zc_db::units::find(&app.db, unit_id).await.unwrap().unwrap();
    let current = |address: &str, contact: &str, phone: &str, reason: &str| {
        vec![
            ("name", name.clone()),
            ("kind", unit.kind.clone()),
            ("region_code", unit.region_code.clone()),
            ("address", address.to_string()),
            ("contact_name", contact.to_string()),
            ("contact_phone", phone.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let admin = &admin;
        async move {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post("/unit/info/change", &borrowed).await
        }
    };

    // Bad input named, what was typed kept.
    let res = post(current("南宁市青秀区民族大道100号", "", "1234", "")).await;
    let doc = html(&res.text().await.unwrap());
    let errors = texts(&doc, ".error-summary li");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0], "请填写联系人姓名");
    assert!(errors[2].starts_with("请写明变更原因"), "{errors:?}");
    assert_eq!(
        attr(&doc, "#f-address", "value").as_deref(),
        Some("南宁市青秀区民族大道100号")
    );
    assert_eq!(
        attr(&doc, "#f-contact_phone", "value").as_deref(),
        Some("1234")
    );

    // A proper request waits, and a second one is refused until it is decided.
    let new_address = "南宁市青秀区民族大道100号";
    let res = post(current(
        new_address,
        "陆经理",
        "13907710001",
        "单位搬迁，联系人变更",
    ))
    .await;
    assert_eq!(location(&res), "/unit/info?sent=1");
    let doc = html(&admin.get("/unit/info?sent=1").await.text().await.unwrap());
    assert_eq!(texts(&doc, "#change-sent").len(), 1);
    assert!(
        texts(&doc, "#f-name").is_empty(),
        "no second form while one waits"
    );
    let rows = texts(&doc, ".change-request tbody tr");
    assert_eq!(
        rows,
        [
            format!("单位地址{}{new_address}", unit.address),
            format!("联系人{}陆经理", unit.contact_name),
            format!("联系电话{}139****0001", unit.contact_phone_masked),
        ]
    );
    let res = post(current(
        new_address,
        "陆经理",
        "13907710001",
        "再提交一次试试",
    ))
    .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["本单位已有一份变更申请正在审核，请等待审核结果后再提交"]
    );

    // A reviewer reads but may not ask.
    let reviewer = spawn_second_browser(&app).await;
    reviewer.login_as(&app, "shenhe").await;
    let doc = html(&reviewer.get("/unit/info").await.text().await.unwrap());
    assert_eq!(texts(&doc, "#unit-name"), std::slice::from_ref(&name));
    assert!(texts(&doc, "#f-name").is_empty());

    // The office that reviews the unit: refusing needs a reason; approving rewrites it.
    let kind: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT kind FROM office WHERE id = $1").bind(unit.office_id).fetch_one(p).await)
    .unwrap();
    let role = if kind == "department" {
        Role::DepartmentStaff
    } else {
        Role::OfficeStaff
    };
    let office = staff_of(&app, "biangeng", role, ("office", unit.office_id)).await;
    let doc = html(
        &office
            .get("/office/unit-changes")
            .await
            .text()
            .await
            .unwrap(),
    );
    let links = texts(&doc, "#change-list tbody a");
    assert_eq!(links, std::slice::from_ref(&name));
    let change_id = zc_db::unit_changes::of_unit(&app.db, unit_id, 1)
        .await
        .unwrap()[0]
        .id;
    let decide = format!("/office/unit-changes/{change_id}/decision");
    let res = office
        .post(&decide, &[("decision", "refuse"), ("note", "")])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请写明不予变更的原因（至少5个字），单位将据此处理"]
    );
    assert_eq!(texts(&doc, "#change-reason"), ["单位搬迁，联系人变更"]);
    let res = office
        .post(&decide, &[("decision", "approve"), ("note", "")])
        .await;
    assert_eq!(location(&res), "/office/unit-changes");
    let res = office
        .post(
            &decide,
            &[("decision", "refuse"), ("note", "重复提交的处理")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["这份变更申请已由其他工作人员处理，请刷新后查看"]
    );

    let after = zc_db::units::find(&app.db, unit_id).await.unwrap().unwrap();
    assert_eq!(after.address, new_address);
    assert_eq!(after.contact_name, "陆经理");
    assert_eq!(after.contact_phone_masked, "139****0001");
    assert_eq!(
        after.credit_code, unit.credit_code,
        "the code never changes here"
    );
    let doc = html(&admin.get("/unit/info").await.text().await.unwrap());
    assert_eq!(texts(&doc, ".change-request .status"), ["已通过"]);
    assert_eq!(
        attr(&doc, "#f-address", "value").as_deref(),
        Some(new_address),
        "the form is offered again, with the new details"
    );
    assert_eq!(
        attr(&doc, "#f-contact_phone", "value").as_deref(),
        Some("13907710001"),
        "the administrator's own unit's phone, to correct"
    );
    // Sending the same details again: nothing to review.
    let res = post(current(
        new_address,
        "陆经理",
        "13907710001",
        "核对单位信息",
    ))
    .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["您没有修改任何信息，无需提交变更申请"]
    );
    let audit = zc_db::audit::recent(&app.db, 20).await.unwrap();
    for action in ["unit_change.request", "unit_change.approve"] {
        assert!(audit.iter().any(|e| e.action == action), "{action} audited");
    }
    let admin_id: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM account WHERE login_name = 'danwei'").fetch_one(p).await)
    .unwrap();
    let messages = zc_db::messages::page(&app.db, admin_id, 5, 0)
        .await
        .unwrap();
    assert!(messages.iter().any(|m| m.title == "单位信息变更已通过"));

    // Applicants have no such page.
    app.login_applicant().await;
    assert_eq!(app.get("/unit/info").await.status(), StatusCode::FORBIDDEN);
}
