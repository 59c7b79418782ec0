//! A complete 职称评审 dossier, created and filled through the applicant's own forms. Shared
//! by the tests and the 报送 benchmark (`examples/bench_submit.rs` includes this file), so it
//! needs nothing but an HTTP client signed in as an applicant.

use reqwest::Response;

/// A signed-in browser on a running platform.
pub struct Site<'a> {
    pub client: &'a reqwest::Client,
    pub base: &'a str,
}

/// The `Location` header of a redirect.
pub fn location_of(res: &Response) -> String {
    res.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The CSRF token in a page's `<meta name="csrf-token">`.
pub fn csrf_in(page: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("meta[name=csrf-token]").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

/// A browser: cookies kept, redirects not followed (so they can be checked).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// A browser signed in at `/my/login` with an ID number, phone or e-mail; `None` when the
/// sign-in did not land on `/my`.
pub async fn applicant_signed_in(
    base: &str,
    identifier: &str,
    password: &str,
) -> Option<reqwest::Client> {
    let client = browser();
    let site = Site {
        client: &client,
        base,
    };
    let res = site
        .post(
            "/my/login",
            &[("identifier", identifier), ("password", password)],
        )
        .await;
    (location_of(&res) == "/my").then_some(client)
}

impl Site<'_> {
    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The CSRF token this browser's forms carry.
    pub async fn csrf(&self) -> String {
        let mut page = self.client.get(self.url("/")).send().await.expect("GET /");
        // A person who must change their password first is sent there from every page.
        if page.status().is_redirection() {
            let to = location_of(&page);
            page = self.client.get(self.url(&to)).send().await.expect("GET");
        }
        csrf_in(&page.text().await.expect("page")).expect("pages carry a CSRF token")
    }

    /// POSTs a form with the CSRF field filled in.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut body = fields.to_vec();
        body.push(("_csrf", &token));
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .expect("POST")
    }

    /// Uploads pictures into a slot the way the form does.
    pub async fn upload(&self, id: i64, slot: &str, pictures: Vec<Vec<u8>>) -> Response {
        let token = self.csrf().await;
        // The token is the form's first field, as the page's hidden input is.
        let mut form = reqwest::multipart::Form::new().text("_csrf", token);
        for (i, bytes) in pictures.into_iter().enumerate() {
            form = form.part(
                "files",
                reqwest::multipart::Part::bytes(bytes).file_name(format!("IMG_{i}.png")),
            );
        }
        self.client
            .post(self.url(&format!("/my/applications/{id}/slots/{slot}")))
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }
}

/// A patterned picture of `width` × `height` encoded as `format`, like a photo upload.
pub fn test_image(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), format)
        .expect("encode test image");
    out
}

/// A patterned JPEG of `w` × `h`, like a phone photo.
pub fn picture(w: u32, h: u32) -> Vec<u8> {
    test_image(w, h, image::ImageFormat::Jpeg)
}

/// Creates an application from the first open choice; returns its id.
pub async fn create(site: &Site<'_>) -> i64 {
    create_choosing(site, |_| true).await
}

/// Creates an application from the first open choice whose value (`committee:…`) `wanted`
/// accepts; returns its id.
pub async fn create_choosing(site: &Site<'_>, wanted: impl Fn(&str) -> bool) -> i64 {
    let page = site
        .client
        .get(site.url("/my/applications"))
        .send()
        .await
        .expect("GET");
    let doc = scraper::Html::parse_document(&page.text().await.expect("page"));
    let sel = scraper::Selector::parse("input[name=choice]").expect("selector");
    let choice = doc
        .select(&sel)
        .filter_map(|e| e.value().attr("value"))
        .find(|v| wanted(v))
        .expect("an open committee")
        .to_string();
    let res = site.post("/my/applications", &[("choice", &choice)]).await;
    let to = location_of(&res);
    assert!(to.ends_with("/sections/basic"), "{to}");
    to.trim_start_matches("/my/applications/")
        .split('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the new application's id")
}

pub use zc_domain::application::sample::{BASIC_FIELDS, PARTS};

/// Fills every section with valid content and uploads the required pictures (the photo
/// with its centred crop confirmed).
pub async fn fill(site: &Site<'_>, id: i64) {
    let saved = |res: Response| {
        let to = location_of(&res);
        assert!(to.contains("saved="), "saved: {to}");
    };
    let base = format!("/my/applications/{id}/parts");
    saved(site.post(&format!("{base}/basic"), BASIC_FIELDS).await);
    for (part, fields) in PARTS {
        saved(site.post(&format!("{base}/{part}"), fields).await);
    }
    let summary = "本人从事建筑施工技术工作十五年。\n主持完成多项工程。";
    saved(
        site.post(
            &format!("/my/applications/{id}/summary"),
            &[("summary", summary)],
        )
        .await,
    );
    let res = site.upload(id, "photo", vec![picture(900, 1200)]).await;
    let crop = location_of(&res);
    assert!(crop.ends_with("/crop"), "{crop}");
    let res = site.post(&crop, &[]).await;
    assert!(location_of(&res).contains("saved=photo"));
    for slot in ["diploma", "achievement"] {
        let res = site.upload(id, slot, vec![picture(1000, 700)]).await;
        assert!(location_of(&res).contains("saved="), "{slot}");
    }
}
