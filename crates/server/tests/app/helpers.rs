//! `spawn_app()` and a client that keeps cookies and answers CSRF like a browser does.

use reqwest::{Response, StatusCode, header};
use scraper::{Html, Selector};
use zc_db::{
    Db,
    test_support::{TestDb, postgres_url},
};
use zhicheng::{Application, Config};

/// A running application on a random port.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// Seals identifiers as the running app does (to seed applicants).
    pub vault: std::sync::Arc<zc_services::pii::PiiVault>,
    pub demo_password: Option<String>,
    /// `(login, TOTP secret)` of the demo staff.
    pub demo_totp: Vec<(String, String)>,
    /// Every route of the running router, as the router itself lists them.
    pub routes: Vec<zc_web::route_catalogue::RouteEntry>,
    _data_dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _pg: Option<TestDb>,
    /// The test's own S3 bucket when the suite runs on object storage.
    s3: Option<zc_storage::S3Settings>,
}

/// Boots the demo configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Boots with a configuration adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let pg = match postgres_url() {
        Some(url) => Some(TestDb::postgres(&url).await),
        None => None,
    };
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_path_buf(),
        database_url: pg.as_ref().map(|t| t.url.clone()).unwrap_or_default(),
        worker: true,
        ..Config::default()
    };
    // With TEST_STORAGE=s3 every test keeps its files in a bucket of its own on the test
    // S3 server, so the whole story runs on object storage as well as the local folder.
    let s3 = match zc_storage::test_support::app_endpoint() {
        Some(endpoint) => Some(zc_storage::test_support::fresh_bucket(&endpoint).await),
        None => None,
    };
    use_storage(&mut config, s3.as_ref());
    adjust(&mut config);
    let (app, report) = Application::build(&config)
        .await
        .expect("application builds");
    let port = app.port();
    let db = app.db();
    let vault = app.vault();
    let routes = app.routes();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = rx.await;
    }));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: new_client(),
        db,
        vault,
        demo_password: report.demo_password,
        demo_totp: report.demo_totp,
        routes,
        _data_dir: data_dir,
        shutdown: Some(tx),
        server: Some(server),
        _pg: pg,
        s3,
    }
}

/// Points `config` at an S3 bucket (or leaves the local folder).
fn use_storage(config: &mut Config, s3: Option<&zc_storage::S3Settings>) {
    if let Some(s3) = s3 {
        config.s3_bucket = s3.bucket.clone();
        config.s3_endpoint = s3.endpoint.clone();
        config.s3_region = s3.region.clone();
        config.s3_access_key_id = s3.access_key_id.clone();
        config.s3_secret_access_key = s3.secret_access_key.clone();
        config.s3_allow_http = s3.allow_http;
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests check them).
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Parses a page.
pub fn html(text: &str) -> Html {
    Html::parse_document(text)
}

/// Text of every element matching `selector`, whitespace-trimmed.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).expect("valid selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// The attribute of the first element matching `selector`.
pub fn attr(doc: &Html, selector: &str, name: &str) -> Option<String> {
    let sel = Selector::parse(selector).expect("valid selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

impl TestApp {
    /// The server's key folder (the Alipay simulator keeps its key pairs there).
    pub fn keys_dir(&self) -> std::path::PathBuf {
        self._data_dir.path().join("keys")
    }

    /// The server's data folder (keys, uploads), for a second server beside this one.
    /// Gives `config` this app's file storage, as a second server sharing it would have.
    pub fn share_storage(&self, config: &mut Config) {
        use_storage(config, self.s3.as_ref());
    }

    /// Whether this app keeps its files in an S3 bucket rather than the local folder.
    pub fn on_object_storage(&self) -> bool {
        self.s3.is_some()
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    /// The PostgreSQL database this app runs on, if it runs on one.
    pub fn postgres_database(&self) -> Option<String> {
        self._pg.as_ref().map(|t| t.url.clone())
    }

    /// This client as a [`crate::dossier::Site`].
    pub fn site(&self) -> crate::dossier::Site<'_> {
        crate::dossier::Site {
            client: &self.client,
            base: &self.address,
        }
    }

    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GETs a page and parses it.
    pub async fn get_html(&self, path: &str) -> (StatusCode, Html) {
        let res = self.get(path).await;
        let status = res.status();
        (status, html(&res.text().await.unwrap()))
    }

    /// The CSRF token of this client's cookie, read from a page like a form would.
    pub async fn csrf_token(&self) -> String {
        let (_, doc) = self.get_html("/").await;
        attr(&doc, "meta[name=csrf-token]", "content").expect("pages carry a CSRF token")
    }

    /// POSTs a form with the CSRF field filled in.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.site().post(path, fields).await
    }

    /// Logs in with a demo staff account, password then TOTP code; panics unless it works.
    pub async fn login_as(&self, login: &str) -> Response {
        let password = self
            .demo_password
            .clone()
            .expect("demo mode has a password");
        let res = self
            .post_form("/login", &[("login_name", login), ("password", &password)])
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "password step for {login}"
        );
        if location(&res) != "/login/totp" {
            return res;
        }
        let res = self
            .post_form("/login/totp", &[("code", &self.totp_code(login).await)])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "TOTP step for {login}");
        res
    }

    /// The code the demo staff member's authenticator shows now. Tests sign in more often
    /// than once per 30 s, so the used-step record is cleared first.
    pub async fn totp_code(&self, login: &str) -> String {
        zc_db::with_pool!(&self.db, p => sqlx::query("UPDATE account SET totp_last_step = NULL WHERE login_name = $1")
            .bind(login).execute(p).await.map(|_| ())).unwrap();
        let secret = &self
            .demo_totp
            .iter()
            .find(|(l, _)| l == login)
            .expect("a demo staff member")
            .1;
        zc_services::totp::current_code(secret).unwrap()
    }

    /// Logs the demo applicant in with their ID number on the applicant login page.
    pub async fn login_applicant(&self) -> Response {
        let password = self
            .demo_password
            .clone()
            .expect("demo mode has a password");
        let res = self
            .post_form(
                "/my/login",
                &[
                    ("identifier", zc_services::demo::DEMO_APPLICANT_ID),
                    ("password", &password),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "the demo applicant logs in"
        );
        res
    }

    /// The newest SMS in the outbox, as the phone's owner would read it.
    pub async fn last_sms(&self) -> Option<zc_db::sms::OutboxRow> {
        zc_db::sms::outbox_page(&self.db, 1, 0).await.unwrap().pop()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.server.take() {
            Some(handle) => handle.await?,
            None => Ok(()),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The `Location` header of a redirect.
pub fn location(res: &Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A second browser (its own cookies) on the same server.
pub struct SecondBrowser {
    client: reqwest::Client,
    base: String,
}

/// Opens a second browser on `app`.
pub async fn spawn_second_browser(app: &TestApp) -> SecondBrowser {
    SecondBrowser {
        client: new_client(),
        base: app.address.clone(),
    }
}

impl SecondBrowser {
    /// A browser on another server (of the same platform) at `base`.
    pub fn on(base: &str) -> SecondBrowser {
        SecondBrowser {
            client: new_client(),
            base: base.to_string(),
        }
    }

    /// This browser's HTTP client (its cookies), to send prepared requests at once.
    pub fn client(&self) -> reqwest::Client {
        self.client.clone()
    }

    /// Absolute URL of a path on this browser's server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The CSRF token this browser's forms carry.
    pub async fn csrf(&self) -> String {
        let mut res = self.get("/").await;
        // A person who must change their password first is sent there from every page.
        if res.status().is_redirection() {
            res = self.get(&location(&res)).await;
        }
        let page = res.text().await.unwrap();
        attr(&html(&page), "meta[name=csrf-token]", "content").unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    /// POSTs a form with this browser's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut body = fields.to_vec();
        body.push(("_csrf", &token));
        self.client
            .post(format!("{}{path}", self.base))
            .form(&body)
            .send()
            .await
            .expect("POST")
    }

    /// Signs a demo staff member in on this browser (password, then TOTP).
    pub async fn login_as(&self, app: &TestApp, login: &str) {
        let password = app.demo_password.clone().unwrap();
        let res = self
            .post("/login", &[("login_name", login), ("password", &password)])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "password step");
        if location(&res) == "/login/totp" {
            let code = app.totp_code(login).await;
            let res = self.post("/login/totp", &[("code", &code)]).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "TOTP step");
        }
    }

    /// Signs an applicant in on this browser, answering the captcha if one is shown.
    pub async fn login_applicant_with(
        &self,
        app: &TestApp,
        identifier: &str,
        password: &str,
    ) -> Response {
        let doc = html(&self.get("/my/login").await.text().await.unwrap());
        let mut fields = vec![
            ("identifier", identifier.to_string()),
            ("password", password.to_string()),
        ];
        if let Some((id, answer)) = captcha_answer(app, &doc).await {
            fields.push(("captcha_id", id));
            fields.push(("captcha", answer));
        }
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("/my/login", &fields).await
    }

    /// Signs the demo applicant in on this browser.
    pub async fn login_applicant_here(&self, app: &TestApp) {
        let password = app.demo_password.clone().unwrap();
        let res = self
            .post(
                "/my/login",
                &[
                    ("identifier", zc_services::demo::DEMO_APPLICANT_ID),
                    ("password", &password),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
}

/// The answer of the captcha shown on a page (read from the server's store, as the
/// person would read it from the image).
pub async fn captcha_answer(app: &TestApp, doc: &Html) -> Option<(String, String)> {
    let id = attr(doc, "input[name=captcha_id]", "value")?;
    let answer: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar("SELECT answer FROM captcha WHERE id = $1")
        .bind(&id).fetch_one(p).await).ok()?;
    Some((id, answer))
}

impl TestApp {
    /// Signs an applicant in on the login page, answering the captcha if one is shown.
    pub async fn login_applicant_with(&self, identifier: &str, password: &str) -> Response {
        let (_, doc) = self.get_html("/my/login").await;
        let mut fields = vec![
            ("identifier", identifier.to_string()),
            ("password", password.to_string()),
        ];
        if let Some((id, answer)) = captcha_answer(self, &doc).await {
            fields.push(("captcha_id", id));
            fields.push(("captcha", answer));
        }
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post_form("/my/login", &borrowed).await
    }
}

pub use crate::dossier::test_image;

/// The attribute `name` of every element matching `selector`.
pub fn attrs(doc: &Html, selector: &str, name: &str) -> Vec<String> {
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}
