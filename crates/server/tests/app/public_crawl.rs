//! Public pages never show an identity number, a mobile or an e-mail address: every page a
//! visitor can open, read from the router, is fetched without signing in while a result is
//! under publicity and a certificate is issued, and none holds the person's identifiers in
//! full, while the masked forms are there.

use reqwest::StatusCode;

use crate::{
    access_matrix::PUBLIC,
    access_world::{Kind, arrange_objects},
    helpers::{new_client, spawn_app},
};

#[tokio::test]
async fn no_public_page_shows_a_full_identity_number_phone_or_e_mail() {
    let app = spawn_app().await;
    let (ids, _) = arrange_objects(&app).await;
    let application = ids[&Kind::Application];
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE application SET status = 'in_publicity' WHERE id = $1")
        .bind(application).execute(p).await.map(|_| ()))
    .unwrap();
    let token: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT token FROM certificate WHERE id = $1").bind(ids[&Kind::Certificate]).fetch_one(p).await)
    .unwrap();
    let notice: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT MIN(id) FROM notice").fetch_one(p).await)
    .unwrap();

    let mut paths: Vec<String> = app
        .routes
        .iter()
        .filter(|r| r.methods.iter().any(|m| m == "GET") && !r.path.contains('{'))
        .map(|r| r.path.clone())
        .collect();
    for (public, _) in PUBLIC {
        let filled = match *public {
            "/notices/{id}" => format!("/notices/{notice}"),
            "/publicity/{id}/objection" => format!("/publicity/{application}/objection"),
            "/verify/t/{token}" => format!("/verify/t/{token}"),
            // Images and the site's own files carry no person.
            _ => continue,
        };
        paths.push(filled);
    }
    paths.push("/verify?number=202645010099999&name=张三".into());

    let visitor = new_client();
    let mut read = Vec::new();
    for path in &paths {
        let res = visitor.get(app.url(path)).send().await.unwrap();
        if res.status() != StatusCode::OK {
            continue; // signed-in pages send the visitor to a login page
        }
        // In demo mode only, the sign-in page names the fictional demo applicant on purpose.
        let body: String = res
            .text()
            .await
            .unwrap()
            .lines()
            .filter(|l| !l.contains("演示环境："))
            .collect();
        for (what, full) in [
            ("identity number", zc_services::demo::DEMO_APPLICANT_ID),
            ("mobile", zc_services::demo::DEMO_APPLICANT_PHONE),
            ("e-mail", "zhangsan@example.com"),
        ] {
            assert!(!body.contains(full), "{path} shows the {what} in full");
        }
        read.push((path.clone(), body));
    }
    assert!(read.len() >= 15, "{} public pages read", read.len());
    // The pages did carry the person, masked: the publicity list and the certificate.
    let shown = |path: &str| {
        read.iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("{path} was read"))
    };
    assert!(
        shown("/publicity").contains("张*"),
        "the publicity lists 张*"
    );
    let certificate = shown(&format!("/verify/t/{token}"));
    assert!(
        certificate.contains("张*</dd>") && certificate.contains("202645010099999</dd>"),
        "the certificate is shown, its holder masked"
    );
}
