//! 消息中心: a message for each status change, unread counts in the header, and the SMS
//! notice through the job queue.

use crate::{
    applications::{create, fill_everything, submit_now},
    helpers::{html, spawn_app, spawn_second_browser, texts},
};

#[tokio::test]
async fn each_status_change_reaches_the_applicant_and_the_next_desk() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    fill_everything(&app, id).await;
    submit_now(&app, id).await;

    // The unit's reviewer is told there is a dossier waiting.
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let doc = html(&unit.get("/unit").await.text().await.unwrap());
    assert_eq!(texts(&doc, "#messages-link .badge"), ["1"]);
    let doc = html(&unit.get("/messages").await.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".message-list h2 a")[0],
        format!("申报 #{id} 待处理：单位受理中")
    );

    // A return reaches the applicant with its reasons, and by SMS through the job queue.
    let res = unit
        .post(
            &format!("/unit/applications/{id}/decision"),
            &[
                ("decision", "return"),
                ("section", "education"),
                ("reason_education", "请补充学位证书编号"),
            ],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&res),
        format!("/unit/applications?returned={id}")
    );
    let (_, doc) = app.get_html("/my").await;
    let unread: i64 = texts(&doc, "#messages-link .badge")[0].parse().unwrap();
    assert_eq!(unread, 2, "submitted, then returned");
    let (_, doc) = app.get_html("/messages").await;
    let titles = texts(&doc, ".message-list h2 a");
    assert_eq!(titles[0], format!("申报 #{id} 退回：退回（待修改）"));
    assert!(texts(&doc, ".message-list p")[0].contains("请补充学位证书编号"));
    let (_, doc) = app.get_html("/my").await;
    assert_eq!(
        texts(&doc, "#messages-link .badge"),
        ["2"],
        "reading the list changes nothing"
    );
    let res = app.post_form("/messages/read", &[]).await;
    assert_eq!(crate::helpers::location(&res), "/messages");
    let (_, doc) = app.get_html("/messages").await;
    assert!(texts(&doc, "#messages-link .badge").is_empty(), "all read");
    assert!(texts(&doc, "#mark-read").is_empty(), "nothing left to mark");
    assert!(texts(&doc, ".message-list .tag").is_empty());

    let mut sent = None;
    for _ in 0..40 {
        if let Some(sms) = app.last_sms().await
            && sms.body.contains(&format!("申报#{id}退回"))
        {
            sent = Some(sms);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sms = sent.expect("the SMS notice went out through the job queue");
    assert_eq!(sms.template, "status_notice");
}
