//! 证书: a 职改办 confirms with its 文号 and the certificate is issued (the 职称认定 path,
//! without a committee); the holder sees and prints it; the public verifies it by number
//! and name or by the QR token, masked and counted; a revoked certificate shows so at once;
//! numbers stay unique when issuances run at the same moment.

use reqwest::StatusCode;

use crate::{
    helpers::{TestApp, attr, html, location, new_client, spawn_app, spawn_second_browser, texts},
    unit_review::{passed_by_office, submitted_application},
};

/// A 职称认定 application passed by its 职改办 and waiting for confirmation; the signed-in
/// office reviewer.
async fn awaiting_confirmation(app: &TestApp) -> (i64, crate::helpers::SecondBrowser) {
    let id = submitted_application(app).await;
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE application SET kind = 'recognition' WHERE id = $1").bind(id).execute(p).await.map(|_| ()))
    .unwrap();
    let office = passed_by_office(app, id, "faban").await;
    let status = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status
        .code();
    assert_eq!(status, "awaiting_confirmation", "认定 skips the committee");
    (id, office)
}

fn public_page(app: &TestApp, path: &str) -> impl std::future::Future<Output = scraper::Html> {
    let url = app.url(path);
    async move {
        html(
            &new_client()
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        )
    }
}

#[tokio::test]
async fn a_certificate_is_issued_verified_by_number_and_token_counted_and_revoked() {
    let app = spawn_app().await;
    let (id, office) = awaiting_confirmation(&app).await;
    let doc = html(
        &office
            .get("/office/applications?status=awaiting_confirmation")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "tbody td[data-label=编号]").contains(&format!("#{id}")));

    // A 文号 that is too short is refused on the page, with what was typed.
    let issue = format!("/office/applications/{id}/issue");
    let doc = html(
        &office
            .post(&issue, &[("doc_number", "12")])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#doc_number-error"),
        ["请填写发文确认的文号（4–40个字），例如 桂职改〔2026〕12号"]
    );
    assert_eq!(attr(&doc, "#f-doc_number", "value").as_deref(), Some("12"));
    let res = office
        .post(&issue, &[("doc_number", "桂职改〔2026〕12号")])
        .await;
    assert_eq!(location(&res), "/office/certificates");
    // A second confirmation of the same dossier is told it was done.
    let doc = html(
        &office
            .post(&issue, &[("doc_number", "桂职改〔2026〕13号")])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#refusal")[0].contains("不在待发文确认状态"));
    let cert = zc_db::with_pool!(&app.db, p => sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, number, token FROM certificate WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    let (cert_id, number, token) = cert;
    let year = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y")
        .to_string();
    assert_eq!(number.len(), 15, "{number}");
    assert!(
        number.starts_with(&year) && number.ends_with("00001"),
        "{number}"
    );
    assert_eq!(
        zc_db::applications::find(&app.db, id)
            .await
            .unwrap()
            .unwrap()
            .status
            .code(),
        "issued"
    );

    // The holder sees it, with its QR code and no verification yet.
    let (_, doc) = app.get_html("/my/certificates").await;
    assert_eq!(
        texts(&doc, "tbody td[data-label=证书编号]"),
        std::slice::from_ref(&number)
    );
    let (_, doc) = app.get_html(&format!("/my/certificates/{cert_id}")).await;
    assert_eq!(texts(&doc, "#cert-number"), std::slice::from_ref(&number));
    assert!(
        doc.select(&scraper::Selector::parse(".certificate-qr svg").unwrap())
            .next()
            .is_some()
    );
    assert_eq!(
        texts(&doc, "#view-count"),
        ["证书共计被在线查验或浏览 0 次。"]
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&doc, "tbody td[data-label=处理结果及意见]")
            .iter()
            .any(|t| t.contains("桂职改〔2026〕12号"))
    );

    // The public: by number and name (masked, no identity number), then by the QR token.
    let doc = public_page(&app, &format!("/verify?number={number}&name=张三")).await;
    assert_eq!(texts(&doc, "#verify-status"), ["该证书真实有效。"]);
    assert_eq!(texts(&doc, "#verify-name"), ["张*"]);
    let page_text = doc.root_element().text().collect::<String>();
    assert!(!page_text.contains("张三"), "the name is masked");
    assert!(
        !page_text.contains("450103"),
        "no identity number on the public page"
    );
    let doc = public_page(&app, &format!("/verify/t/{token}")).await;
    assert_eq!(texts(&doc, "#verify-number"), std::slice::from_ref(&number));
    let doc = public_page(&app, &format!("/verify?number={number}&name=李四")).await;
    assert!(texts(&doc, "#verify-result").is_empty());
    assert_eq!(texts(&doc, "#verify-none h2"), ["未查询到该证书"]);
    let doc = public_page(&app, "/verify/t/0123456789abcdef0123456789abcdef").await;
    assert_eq!(texts(&doc, "#verify-none h2"), ["未查询到该证书"]);
    let (_, doc) = app.get_html(&format!("/my/certificates/{cert_id}")).await;
    assert_eq!(
        texts(&doc, "#view-count"),
        ["证书共计被在线查验或浏览 2 次。"]
    );
    assert_eq!(texts(&doc, "#verifications li").len(), 2);

    // Nobody else opens the holder's page.
    let other = spawn_second_browser(&app).await;
    other
        .login_applicant_with(
            &app,
            "lisi@example.com",
            &app.demo_password.clone().unwrap(),
        )
        .await;
    assert_eq!(
        other
            .get(&format!("/my/certificates/{cert_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Revoked: a reason is required, then the public page says so at once.
    let revoke = format!("/office/certificates/{cert_id}/revoke");
    let doc = html(
        &office
            .post(&revoke, &[("reason", "短")])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#refusal"), ["请写明撤销的原因（至少5个字）"]);
    let res = office
        .post(&revoke, &[("reason", "经核查学历证书系伪造")])
        .await;
    assert_eq!(location(&res), "/office/certificates");
    let doc = public_page(&app, &format!("/verify/t/{token}")).await;
    assert_eq!(
        texts(&doc, "#verify-status"),
        ["该证书已撤销，不能作为取得该资格的证明。"]
    );
    assert_eq!(
        zc_db::applications::find(&app.db, id)
            .await
            .unwrap()
            .unwrap()
            .status
            .code(),
        "revoked"
    );
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action IN ('certificate.issue', 'certificate.revoke')")
        .fetch_one(p).await).unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn numbers_taken_at_the_same_moment_never_repeat() {
    let app = spawn_app().await;
    let office: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM office ORDER BY id LIMIT 1").fetch_one(p).await)
    .unwrap();
    let takes = (0..24).map(|_| {
        let db = app.db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin_write().await.unwrap();
            let seq = zc_db::certificates::next_seq(&mut tx, office, 2026)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            seq
        })
    });
    let mut seqs = Vec::new();
    for t in takes {
        seqs.push(t.await.unwrap());
    }
    seqs.sort();
    assert_eq!(
        seqs,
        (1..=24).collect::<Vec<i64>>(),
        "each number once, none skipped"
    );
    // Another year starts again at 1; the first year goes on from 25.
    let mut tx = app.db.begin_write().await.unwrap();
    assert_eq!(
        zc_db::certificates::next_seq(&mut tx, office, 2027)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        zc_db::certificates::next_seq(&mut tx, office, 2026)
            .await
            .unwrap(),
        25
    );
    tx.commit().await.unwrap();
}
