//! The admin portal: working-day calendar maintenance and the audit log, with the three
//! admin roles kept apart.

use reqwest::StatusCode;

use crate::helpers::{attr, html, location, spawn_app, spawn_second_browser, texts};

#[tokio::test]
async fn the_system_admin_maintains_the_calendar_and_it_is_audited() {
    let app = spawn_app().await;
    app.login_as("sysadmin").await;
    let (status, doc) = app.get_html("/admin/calendar?year=2026").await;
    assert_eq!(status, StatusCode::OK);
    let first_rows = texts(&doc, "tbody tr td:first-child");
    assert_eq!(first_rows.len(), 10, "first page of 2026 rows");
    assert_eq!(first_rows[0], "2026-01-01");

    // Bad input: every field says what is wrong and keeps what was typed.
    let res = app
        .post_form(
            "/admin/calendar",
            &[
                ("date", "2027/02/06"),
                ("kind", "holiday"),
                ("name", ""),
                ("region", "全国"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        [
            "请按 YYYY-MM-DD 格式填写日期，例如 2027-01-01",
            "请填写节日名称（不超过30个字），例如 春节"
        ]
    );
    assert_eq!(
        attr(&doc, "#f-date", "value").as_deref(),
        Some("2027/02/06")
    );

    let res = app
        .post_form(
            "/admin/calendar",
            &[
                ("date", "2027-02-06"),
                ("kind", "makeup_workday"),
                ("name", "春节补班"),
                ("region", "全国"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "[role=status]"),
        ["已保存：2027-02-06 补班（春节补班）"]
    );
    let cal = zc_db::calendar::working_calendar(&app.db, "广西")
        .await
        .unwrap();
    assert!(
        cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2027, 2, 6).unwrap()),
        "a Saturday made a workday"
    );

    let res = app
        .post_form("/admin/calendar/delete", &[("date", "2027-02-06")])
        .await;
    assert_eq!(location(&res), "/admin/calendar?year=2027");
    let events = zc_db::audit::recent(&app.db, 5).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(&actions[..2], ["calendar.delete", "calendar.save"]);
    assert!(events[1].detail.contains("2027-02-06 补班"));
    assert_eq!(events[0].ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn only_the_system_admin_may_edit_and_only_the_auditor_reads_the_log() {
    let app = spawn_app().await;
    app.login_as("secadmin").await;
    let res = app
        .post_form(
            "/admin/calendar",
            &[
                ("date", "2027-02-06"),
                ("kind", "holiday"),
                ("name", "x"),
                ("region", "全国"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/admin/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    let (status, doc) = app.get_html("/admin/calendar").await;
    assert_eq!(status, StatusCode::OK, "reading the calendar is fine");
    assert!(
        texts(&doc, "form[method=post][action='/admin/calendar'] button").is_empty(),
        "no edit form for the security admin"
    );

    let app2 = spawn_app().await;
    app2.login_as("sysadmin").await;
    assert_eq!(
        app2.get("/admin/audit").await.status(),
        StatusCode::FORBIDDEN,
        "system admin cannot read the audit log"
    );
}

#[tokio::test]
async fn the_auditor_pages_and_filters_the_audit_log() {
    let app = spawn_app().await;
    for _ in 0..2 {
        app.post_form(
            "/login",
            &[("login_name", "auditor"), ("password", "Wrong-Pass-1")],
        )
        .await;
    }
    app.login_as("auditor").await;
    let (status, doc) = app.get_html("/admin/audit?action=login").await;
    assert_eq!(status, StatusCode::OK);
    let results = texts(&doc, "tbody td[data-label=结果]");
    assert_eq!(results, ["成功", "拒绝", "拒绝"], "newest first");
    assert_eq!(texts(&doc, ".pager-total"), ["共 3 条"]);
    let (_, doc) = app
        .get_html("/admin/audit?action=account&per_page=20")
        .await;
    assert_eq!(
        texts(&doc, ".pager-total"),
        ["共 9 条"],
        "one account.create per demo staff account"
    );
    let (_, doc) = app.get_html("/admin/audit?action=applicant.register").await;
    assert_eq!(
        texts(&doc, ".pager-total"),
        ["共 4 条"],
        "the demo applicants (two of them experts) registered"
    );
    let (_, doc) = app.get_html("/admin/audit?action=expert.grant").await;
    assert_eq!(texts(&doc, ".pager-total"), ["共 2 条"], "two demo experts");
}

#[tokio::test]
async fn the_system_admin_creates_and_disables_staff_and_the_security_admin_unlocks() {
    let app = spawn_app().await;
    app.login_as("sysadmin").await;
    let committee =
        zc_db::reference::committee_id_by_name(&app.db, "广西卫生系列中级职称评审委员会")
            .await
            .unwrap()
            .unwrap();
    let office = zc_db::reference::office_id_by_name(&app.db, "桂林市职称改革工作领导小组办公室")
        .await
        .unwrap()
        .unwrap();

    // A committee role with an office is refused, with the form kept.
    let office_value = format!("office:{office}");
    let fields = |org: &str| {
        vec![
            ("login_name", "ws_mishu".to_string()),
            ("display_name", "卫生秘书".to_string()),
            ("role", "committee_staff".to_string()),
            ("org_id", org.to_string()),
            ("duty", "secretary".to_string()),
            ("password", "Ws-Secret-2026".to_string()),
            ("password_confirm", "Ws-Secret-2026".to_string()),
        ]
    };
    let borrowed = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let f = borrowed(&fields(&office_value));
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.post_form("/admin/accounts", &refs).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请选择与角色相符的所属机构（职改办、主管部门或评审委员会）"]
    );
    assert_eq!(
        attr(&doc, "#f-login_name", "value").as_deref(),
        Some("ws_mishu")
    );

    // An office duty does not fit a committee role.
    let mut f = borrowed(&fields(&format!("committee:{committee}")));
    f.iter_mut().find(|(k, _)| *k == "duty").unwrap().1 = "acceptor".into();
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.post_form("/admin/accounts", &refs).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请选择岗位（秘书、负责人）"]
    );

    let f = borrowed(&fields(&format!("committee:{committee}")));
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.post_form("/admin/accounts", &refs).await;
    assert_eq!(location(&res), "/admin/accounts");
    let (_, doc) = app.get_html("/admin/accounts?q=mishu").await;
    assert_eq!(texts(&doc, "tbody td[data-label=岗位]"), ["秘书"]);
    let (_, doc) = app.get_html("/admin/accounts?role=committee_staff").await;
    assert_eq!(
        texts(&doc, "tbody td[data-label=所属机构]"),
        [
            "工程系列广西区人才服务办公室中级评审会",
            "广西卫生系列中级职称评审委员会"
        ]
    );

    let id = zc_db::accounts::find_by_login(&app.db, "ws_mishu")
        .await
        .unwrap()
        .unwrap()
        .id;
    let me = zc_db::accounts::find_by_login(&app.db, "sysadmin")
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = app
        .post_form(&format!("/admin/accounts/{me}/disable"), &[])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "nobody acts on their own account"
    );
    let res = app
        .post_form(&format!("/admin/accounts/{id}/disable"), &[])
        .await;
    assert_eq!(location(&res), "/admin/accounts");
    assert!(
        zc_db::accounts::find(&app.db, id)
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    // The system admin cannot unlock: that is the security admin's duty.
    assert_eq!(
        app.post_form(&format!("/admin/accounts/{id}/unlock"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Five wrong passwords lock an account; the security admin lifts the lock.
    for _ in 0..5 {
        app.post_form(
            "/login",
            &[("login_name", "zhuguan"), ("password", "Wrong-2026x")],
        )
        .await;
    }
    let sec = crate::helpers::spawn_second_browser(&app).await;
    sec.post(
        "/login",
        &[
            ("login_name", "secadmin"),
            ("password", app.demo_password.as_deref().unwrap()),
        ],
    )
    .await;
    let code = app.totp_code("secadmin").await;
    sec.post("/login/totp", &[("code", &code)]).await;
    let zhuguan = zc_db::accounts::find_by_login(&app.db, "zhuguan")
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = sec
        .post(&format!("/admin/accounts/{zhuguan}/unlock"), &[])
        .await;
    assert_eq!(location(&res), "/admin/accounts");
    let res = sec
        .post(&format!("/admin/accounts/{zhuguan}/reset-totp"), &[])
        .await;
    assert_eq!(location(&res), "/admin/accounts");
    assert!(
        zc_db::accounts::find(&app.db, zhuguan)
            .await
            .unwrap()
            .unwrap()
            .totp_secret_sealed
            .is_none()
    );
    assert_eq!(
        sec.post(&format!("/admin/accounts/{id}/enable"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let events = zc_db::audit::recent(&app.db, 10).await.unwrap();
    for action in ["account.disable", "account.unlock", "totp.reset"] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.result == "ok"),
            "{action} audited"
        );
    }
    // Unlocked: zhuguan signs in again; in demo mode the reset factor is not required.
    let res = app
        .post_form(
            "/login",
            &[
                ("login_name", "zhuguan"),
                ("password", app.demo_password.as_deref().unwrap()),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office");
}

#[tokio::test]
async fn the_security_admin_changes_a_staff_duty_within_the_role() {
    let app = spawn_app().await;
    let nanning = zc_db::accounts::find_by_login(&app.db, "nanning")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        zc_db::accounts::duty(&app.db, nanning)
            .await
            .unwrap()
            .as_deref(),
        Some("reviewer"),
        "demo staff carry a duty"
    );

    app.login_as("sysadmin").await;
    let res = app
        .post_form(
            &format!("/admin/accounts/{nanning}/duty"),
            &[("duty", "lead")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "not the system admin's duty"
    );

    let sec = spawn_second_browser(&app).await;
    sec.login_as(&app, "secadmin").await;
    let res = sec
        .post(
            &format!("/admin/accounts/{nanning}/duty"),
            &[("duty", "secretary")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "秘书 is a committee duty"
    );
    let res = sec
        .post(
            &format!("/admin/accounts/{nanning}/duty"),
            &[("duty", "lead")],
        )
        .await;
    assert_eq!(location(&res), "/admin/accounts");
    assert_eq!(
        zc_db::accounts::duty(&app.db, nanning)
            .await
            .unwrap()
            .as_deref(),
        Some("lead")
    );
    let events = zc_db::audit::recent(&app.db, 1).await.unwrap();
    assert_eq!(events[0].action, "account.duty");
    assert!(events[0].detail.contains("负责人"));
}

#[tokio::test]
async fn initial_passwords_are_replaced_first_and_only_the_security_admin_manages_admins() {
    let app = spawn_app().await;
    app.login_as("sysadmin").await;
    let committee =
        zc_db::reference::committee_id_by_name(&app.db, "广西卫生系列中级职称评审委员会")
            .await
            .unwrap()
            .unwrap();
    let org = format!("committee:{committee}");
    let res = app
        .post_form(
            "/admin/accounts",
            &[
                ("login_name", "ws_xinren"),
                ("display_name", "卫生新人"),
                ("role", "committee_staff"),
                ("org_id", &org),
                ("duty", "secretary"),
                ("password", "Ws-Initial-2026"),
                ("password_confirm", "Ws-Initial-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/accounts");

    // The new colleague signs in with the password the admin chose: nothing opens until
    // they choose their own.
    let newcomer = crate::helpers::spawn_second_browser(&app).await;
    newcomer
        .post(
            "/login",
            &[("login_name", "ws_xinren"), ("password", "Ws-Initial-2026")],
        )
        .await;
    assert_eq!(
        location(&newcomer.get("/committee").await),
        "/account/password"
    );
    let doc = html(
        &newcomer
            .get("/account/password")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#password-expired")[0].contains("管理员为您设置的初始密码"));
    newcomer
        .post(
            "/account/password",
            &[
                ("current_password", "Ws-Initial-2026"),
                ("password", "Xr-Own-Choice-2027"),
                ("password_confirm", "Xr-Own-Choice-2027"),
            ],
        )
        .await;
    assert_eq!(newcomer.get("/committee").await.status(), StatusCode::OK);

    // The system admin cannot disable the security or audit admin, and sees no button.
    let id_of = |login: &'static str| {
        let db = app.db.clone();
        async move {
            zc_db::accounts::find_by_login(&db, login)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let (auditor, secadmin) = (id_of("auditor").await, id_of("secadmin").await);
    for id in [auditor, secadmin] {
        let res = app
            .post_form(&format!("/admin/accounts/{id}/disable"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(
            !zc_db::accounts::find(&app.db, id)
                .await
                .unwrap()
                .unwrap()
                .disabled
        );
    }
    let (_, doc) = app.get_html("/admin/accounts?q=auditor").await;
    assert!(
        texts(&doc, "tbody form button")
            .iter()
            .all(|b| !b.starts_with("停用"))
    );
    let refused = zc_db::audit::recent(&app.db, 20)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "account.disable" && e.result == "refused")
        .count();
    assert_eq!(refused, 2, "both refusals audited");

    // The security admin can.
    let sec = crate::helpers::spawn_second_browser(&app).await;
    sec.login_as(&app, "secadmin").await;
    let res = sec
        .post(&format!("/admin/accounts/{auditor}/disable"), &[])
        .await;
    assert_eq!(location(&res), "/admin/accounts");
    assert!(
        zc_db::accounts::find(&app.db, auditor)
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
}

#[tokio::test]
async fn a_holiday_saved_here_shows_at_once_in_the_days_counted_on_the_home_pages() {
    use zc_domain::CountFrom;
    let app = spawn_app().await;
    app.login_as("sysadmin").await;
    let after_5 = |doc: &scraper::Html| {
        let line = texts(doc, "main p")
            .into_iter()
            .find(|t| t.contains("5 个工作日后为"))
            .expect("the overview counts five working days");
        line.split("5 个工作日后为 ")
            .nth(1)
            .unwrap()
            .trim_end_matches('。')
            .to_string()
    };
    let (_, doc) = app.get_html("/admin").await;
    let before = after_5(&doc); // read, and kept for a minute by this server
    let today = app.db.today();
    let cal = zc_db::calendar::working_calendar(&app.db, "广西")
        .await
        .unwrap();
    let next = cal.add_working_days(today, 1, CountFrom::NextDay);
    assert_eq!(
        before,
        zc_web::views::format_date(cal.add_working_days(today, 5, CountFrom::NextDay))
    );
    let res = app
        .post_form(
            "/admin/calendar",
            &[
                ("date", &zc_web::views::format_date(next)),
                ("kind", "holiday"),
                ("name", "临时休假"),
                ("region", "全国"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, doc) = app.get_html("/admin").await;
    let cal = zc_db::calendar::working_calendar(&app.db, "广西")
        .await
        .unwrap();
    let expected = zc_web::views::format_date(cal.add_working_days(today, 5, CountFrom::NextDay));
    assert_ne!(expected, before, "the holiday moves the fifth working day");
    assert_eq!(after_5(&doc), expected, "not the minute-old facts");
}
