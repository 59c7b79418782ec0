//! 意见建议 and 好差评: a person writes to their 职改办 with a picture and a contact (kept
//! sealed), bad input comes back named with what was typed; the office answers, once; a
//! finished case is rated once, a 差评 needs its reason and is answered by its office
//! within 15 working days, in the progress history; offices are counted.

use reqwest::StatusCode;

use crate::{
    applications::picture,
    helpers::{TestApp, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::{office_staff_for, submitted_application},
};

/// Posts the feedback form as the browser does: the CSRF token first, then the fields and
/// the picture.
async fn send_feedback(
    app: &TestApp,
    fields: &[(&str, &str)],
    picture: Option<Vec<u8>>,
) -> reqwest::Response {
    let site = app.site();
    let mut form = reqwest::multipart::Form::new().text("_csrf", site.csrf().await);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(bytes) = picture {
        form = form.part(
            "picture",
            reqwest::multipart::Part::bytes(bytes).file_name("screen.png"),
        );
    }
    app.client
        .post(app.url("/my/feedback/new"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_writes_to_an_office_and_reads_its_reply() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let dossier = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let office_id = dossier.office_id.to_string();

    // The menu leads there; the office of the person's application is chosen for them.
    let (_, home) = app.get_html("/my").await;
    assert!(texts(&home, "nav a").iter().any(|t| t == "意见建议"));
    let (status, form) = app.get_html("/my/feedback/new").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        texts(&form, "#f-office_id option[selected]"),
        std::slice::from_ref(&dossier.office_name)
    );

    // Bad input: every problem named, everything typed kept, nothing stored.
    let res = send_feedback(
        &app,
        &[
            ("office_id", &office_id),
            ("category", ""),
            ("body", "慢"),
            ("contact", "0771-1234567"),
        ],
        Some(picture(800, 600)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&page, ".error-summary li"),
        [
            "请选择类别",
            "反映的内容太短，请至少写5个字，说清楚事情",
            "联系方式请填写11位手机号码或电子邮箱，也可以不填"
        ]
    );
    assert_eq!(texts(&page, "#f-body"), ["慢"]);
    assert_eq!(
        crate::helpers::attr(&page, "#f-contact", "value").as_deref(),
        Some("0771-1234567")
    );
    assert_eq!(
        texts(&page, "#picture-again").len(),
        1,
        "asked to choose the picture again"
    );
    assert_eq!(
        zc_db::feedback::count_of_account(&app.db, dossier.applicant_id)
            .await
            .unwrap(),
        0
    );

    // Sent with a picture and a mobile.
    let body = "单位审核已超过20天没有结果，请问如何催办？\n申报编号见附图。";
    let res = send_feedback(
        &app,
        &[
            ("office_id", &office_id),
            ("category", "consultation"),
            ("body", body),
            ("contact", "13912345678"),
        ],
        Some(picture(1200, 900)),
    )
    .await;
    assert_eq!(location(&res), "/my/feedback?sent=1");
    let (_, list) = app.get_html("/my/feedback?sent=1").await;
    assert_eq!(texts(&list, "#feedback-sent").len(), 1);
    assert_eq!(
        texts(&list, "#feedback-list tbody td:nth-child(5)"),
        ["待回复"]
    );
    let row = zc_db::feedback::of_account(&app.db, dossier.applicant_id, 10, 0)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(row.contact_masked, "139****5678");
    assert!(
        !row.contact_sealed
            .as_deref()
            .unwrap()
            .contains("13912345678"),
        "the contact is sealed at rest"
    );
    let fid = row.id;
    let res = app.get(&format!("/my/feedback/{fid}/picture")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");

    // Another applicant sees nothing of it.
    let other = spawn_second_browser(&app).await;
    other
        .login_applicant_with(
            &app,
            "lisi@example.com",
            &app.demo_password.clone().unwrap(),
        )
        .await;
    assert_eq!(
        other.get(&format!("/my/feedback/{fid}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // The office: open first, the contact masked until asked for (audited).
    let office = office_staff_for(&app, id, "yijian").await;
    let doc = html(&office.get("/office/feedback").await.text().await.unwrap());
    assert_eq!(texts(&doc, "#feedback-list tbody tr").len(), 1);
    let doc = html(
        &office
            .get(&format!("/office/feedback/{fid}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#feedback-contact"), ["139****5678"]);
    let doc = html(
        &office
            .post(&format!("/office/feedback/{fid}/contact"), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#feedback-contact"), ["13912345678"]);
    let audit = zc_db::audit::recent(&app.db, 20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "feedback.contact_reveal" && e.object == format!("feedback:{fid}"))
    );

    // A short reply is refused with the text kept; a proper one reaches the person.
    let res = office
        .post(
            &format!("/office/feedback/{fid}/reply"),
            &[("reply", "已收到")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["回复内容太短，请至少写5个字，说清楚事情"]
    );
    assert_eq!(texts(&doc, "#f-reply"), ["已收到"]);
    let reply = "已联系您所在单位，单位将在3个工作日内完成审核。";
    let res = office
        .post(
            &format!("/office/feedback/{fid}/reply"),
            &[("reply", reply)],
        )
        .await;
    assert_eq!(location(&res), format!("/office/feedback/{fid}?replied=1"));
    let res = office
        .post(
            &format!("/office/feedback/{fid}/reply"),
            &[("reply", reply)],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#feedback-reply"), [reply], "answered once");

    let (_, mine) = app.get_html(&format!("/my/feedback/{fid}")).await;
    assert_eq!(texts(&mine, "#feedback-status"), ["已回复"]);
    assert_eq!(texts(&mine, "#feedback-reply"), [reply]);
    let messages = zc_db::messages::page(&app.db, dossier.applicant_id, 10, 0)
        .await
        .unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m.title == format!("您的意见建议 #{fid} 已回复") && m.body.contains(reply))
    );
}

#[tokio::test]
async fn feedback_is_limited_per_day() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let office_id = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .office_id
        .to_string();
    let fields = |n: usize| {
        (
            office_id.clone(),
            format!("第{n}条：平台使用中遇到的问题描述"),
        )
    };
    for n in 0..zc_services::feedback::DAILY_LIMIT as usize {
        let (o, b) = fields(n);
        let res = send_feedback(
            &app,
            &[("office_id", &o), ("category", "system"), ("body", &b)],
            None,
        )
        .await;
        assert_eq!(location(&res), "/my/feedback?sent=1");
    }
    let (o, b) = fields(99);
    let res = send_feedback(
        &app,
        &[("office_id", &o), ("category", "system"), ("body", &b)],
        None,
    )
    .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["您24小时内已提交10条意见建议，请稍后再提交，或拨打职改办电话咨询"]
    );
    assert_eq!(texts(&doc, "#f-body"), [b]);
}

#[tokio::test]
async fn a_finished_case_is_rated_once_and_a_poor_rating_is_answered_by_its_office() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let progress = format!("/my/applications/{id}/progress");
    let (_, page) = app.get_html(&progress).await;
    assert!(
        texts(&page, "#rating").is_empty(),
        "no rating while in progress"
    );
    let res = app
        .post_form(
            &format!("/my/applications/{id}/rating"),
            &[("grade", "5"), ("reason", "")],
        )
        .await;
    let page = html(&res.text().await.unwrap());
    assert!(
        texts(&page, "main p")
            .iter()
            .any(|t| t.contains("办结后才能评价")),
        "refused in words"
    );

    // The unit finds the dossier ineligible: the case has ended.
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    unit.post(
        &format!("/unit/applications/{id}/decision"),
        &[
            ("decision", "fail"),
            ("fail_reason", "任职年限不符合申报条件"),
        ],
    )
    .await;
    // The end of the case invites a rating: in the message and on the card.
    let applicant_id = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .applicant_id;
    let messages = zc_db::messages::page(&app.db, applicant_id, 5, 0)
        .await
        .unwrap();
    assert!(
        messages[0]
            .body
            .ends_with("办理已结束，欢迎在“进度”页对本次服务作出评价。")
    );
    let (_, list) = app.get_html("/my/applications").await;
    assert!(texts(&list, ".application-card a").contains(&"服务评价".to_string()));
    let (_, page) = app.get_html(&progress).await;
    assert_eq!(
        texts(&page, "#rating label.check"),
        ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    );

    // A 差评 without a reason: refused beside the field, the choice kept.
    let res = app
        .post_form(
            &format!("/my/applications/{id}/rating"),
            &[("grade", "2"), ("reason", " ")],
        )
        .await;
    let page = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&page, "#rating .field-msg"),
        ["选择“不满意”时请写明原因，办理单位会在15个工作日内回访"]
    );
    assert_eq!(
        crate::helpers::attr(&page, "#f-grade-2", "checked").as_deref(),
        Some("")
    );
    let reason = "单位没有说明不符合哪一条，也没有人解释";
    let res = app
        .post_form(
            &format!("/my/applications/{id}/rating"),
            &[("grade", "2"), ("reason", reason)],
        )
        .await;
    assert_eq!(location(&res), format!("{progress}?rated=1#rating"));
    let calendar = zc_db::calendar::working_calendar(&app.db, zc_db::seed::GUANGXI)
        .await
        .unwrap();
    let due =
        calendar.add_working_days(app.db.today(), 15, zc_domain::calendar::CountFrom::NextDay);
    let (_, page) = app.get_html(&format!("{progress}?rated=1")).await;
    assert_eq!(texts(&page, "#rating-given"), ["不满意"]);
    assert!(texts(&page, "#rating dd").contains(&format!("办理单位将于 {due} 前答复")));
    assert!(
        texts(&page, "table td")
            .iter()
            .any(|t| t == &format!("评价：不满意：{reason}")),
        "the rating is in the progress history"
    );
    // 一事一评.
    let res = app
        .post_form(
            &format!("/my/applications/{id}/rating"),
            &[("grade", "5"), ("reason", "")],
        )
        .await;
    let page = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&page, "#rating-error"),
        ["您已评价过本次服务，每件事只能评价一次"]
    );
    assert_eq!(texts(&page, "#rating-given"), ["不满意"]);

    // The office sees it awaiting a follow-up and counted.
    let office = office_staff_for(&app, id, "huifang").await;
    let doc = html(
        &office
            .get("/office/ratings?show=follow_up")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#rating-list tbody td:nth-child(6)"),
        [format!("待回访（{due}前）")]
    );
    let tally = texts(&doc, "#rating-tally tbody td");
    assert_eq!(
        tally[1..],
        ["0", "0", "0", "1", "0", "1", "0.0%", "1", "0"],
        "one 不满意 awaiting its follow-up"
    );
    let answer_at = format!("/office/ratings/{id}");
    let res = office.post(&answer_at, &[("answer", "好")]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["回访答复太短，请至少写5个字，说清楚事情"]
    );
    assert_eq!(texts(&doc, "#f-answer"), ["好"]);
    let answer = "已电话回访，单位已补充书面说明：任职年限差4个月，明年可申报。";
    let res = office.post(&answer_at, &[("answer", answer)]).await;
    assert_eq!(location(&res), format!("{answer_at}?answered=1"));

    let (_, page) = app.get_html(&progress).await;
    assert!(texts(&page, "#rating-answer")[0].starts_with(answer));
    assert!(
        texts(&page, "table td")
            .iter()
            .any(|t| t == &format!("差评回访：{answer}"))
    );
    let doc = html(
        &office
            .get("/office/ratings?show=follow_up")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#rating-list tbody td"), ["没有待回访的差评。"]);

    // The province sees every office counted.
    let admin = spawn_second_browser(&app).await;
    admin.login_as(&app, "sysadmin").await;
    let doc = html(&admin.get("/admin/ratings").await.text().await.unwrap());
    let row = texts(&doc, "#rating-tally tbody td");
    assert_eq!(row[4], "1", "one 不满意");
    assert_eq!(row[8], "0", "nothing awaits a follow-up");
}
