//! How every simulated person uses the site: a browser of their own (cookies, their own
//! address as the proxy forwards it), pages read and checked, forms sent with the CSRF
//! token. Redirects are not followed by the client: each answer is one measured request,
//! and each is checked for where it sends the person, so a refusal counts as an error.

use goose::prelude::*;
use reqwest::header::LOCATION;

/// The header the proxy in front sets with the client's address.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// What a simulated person carries from one step to the next.
#[derive(Debug, Default, Clone)]
pub struct Person {
    /// The token this browser's forms carry.
    pub csrf: String,
    /// Applicants: the seeded number they are signed in as; reviewers: their account's turn.
    pub number: u64,
    /// The client address the proxy forwards; the public's visitors change it each visit.
    pub address: String,
    /// For applicants: the dossier they are working on.
    pub dossier: Option<i64>,
    /// For applicants: saves and pictures added since the dossier was first filled.
    pub saves: u32,
}

/// Gives the person a browser of their own (cookies kept, redirects not followed) and a
/// client address of their own, sent in `X-Forwarded-For` as the proxy in front sends it
/// (the server trusts it only from the proxies it is told about).
pub async fn open_browser(user: &mut GooseUser) -> TransactionResult {
    let n = user.weighted_users_index as u32 + 1;
    let builder = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none());
    user.set_client_builder(builder).await?;
    user.set_session_data(Person {
        address: format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255),
        ..Person::default()
    });
    Ok(())
}

/// The person's data (set by [`open_browser`]).
pub fn person(user: &mut GooseUser) -> &mut Person {
    user.get_session_data_unchecked_mut::<Person>()
}

/// Reads a page that must answer 200; returns its HTML. `name` groups the figures.
pub async fn page(
    user: &mut GooseUser,
    path: &str,
    name: &str,
) -> Result<String, Box<TransactionError>> {
    let address = person(user).address.clone();
    let builder = user
        .get_request_builder(&GooseMethod::Get, path)?
        .header(FORWARDED_FOR, address);
    let request = GooseRequest::builder()
        .path(path)
        .name(name)
        .set_request_builder(builder)
        .build();
    let mut goose = user.request(request).await?;
    let res = match goose.response {
        Ok(res) => res,
        Err(_) => return Err(failed(user, &mut goose.request, "no answer")),
    };
    let html = res.text().await.unwrap_or_default();
    if !goose.request.success {
        return Err(failed(user, &mut goose.request, "page not shown"));
    }
    Ok(html)
}

/// Sends a form that must answer with a redirect (303) to a place `lands` accepts;
/// returns that place. A page answered instead (a refusal shown on the form) is an error.
pub async fn send(
    user: &mut GooseUser,
    path: &str,
    name: &str,
    fields: &[(&str, &str)],
    lands: impl Fn(&str) -> bool,
) -> Result<String, Box<TransactionError>> {
    let csrf = person(user).csrf.clone();
    let mut body: Vec<(&str, &str)> = fields.to_vec();
    body.push(("_csrf", &csrf));
    let builder = user
        .get_request_builder(&GooseMethod::Post, path)?
        .header(FORWARDED_FOR, person(user).address.clone())
        .form(&body);
    sent(user, path, name, builder, lands).await
}

/// Uploads one picture into a slot of a dossier as the form does (multipart, the token as
/// its first field).
pub async fn upload(
    user: &mut GooseUser,
    dossier: i64,
    slot: &str,
    picture: &[u8],
    lands: impl Fn(&str) -> bool,
) -> Result<String, Box<TransactionError>> {
    let csrf = person(user).csrf.clone();
    let path = format!("/my/applications/{dossier}/slots/{slot}");
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "files",
        reqwest::multipart::Part::bytes(picture.to_vec()).file_name("IMG_0001.jpg"),
    );
    let builder = user
        .get_request_builder(&GooseMethod::Post, &path)?
        .header(FORWARDED_FOR, person(user).address.clone())
        .multipart(form);
    sent(user, &path, "upload a picture", builder, lands).await
}

async fn sent(
    user: &mut GooseUser,
    path: &str,
    name: &str,
    builder: reqwest::RequestBuilder,
    lands: impl Fn(&str) -> bool,
) -> Result<String, Box<TransactionError>> {
    let request = GooseRequest::builder()
        .method(GooseMethod::Post)
        .path(path)
        .name(name)
        .expect_status_code(303)
        .set_request_builder(builder)
        .build();
    let mut goose = user.request(request).await?;
    let to = match &goose.response {
        Ok(res) => res
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        Err(_) => return Err(failed(user, &mut goose.request, "no answer")),
    };
    if !goose.request.success || !lands(&to) {
        return Err(failed(user, &mut goose.request, "form refused"));
    }
    Ok(to)
}

/// Marks the request failed in the figures and gives the error that ends the step.
fn failed(
    user: &mut GooseUser,
    request: &mut goose::metrics::GooseRequestMetric,
    why: &str,
) -> Box<TransactionError> {
    match user.set_failure(why, request, None, None) {
        Err(e) => e,
        Ok(()) => Box::new(TransactionError::Custom(why.to_string())),
    }
}

/// The CSRF token in a page's `<meta name="csrf-token">`.
pub fn csrf_in(html: &str) -> Option<String> {
    attr_in(html, "meta[name=csrf-token]", "content")
}

/// An attribute of the first element matching `selector`.
pub fn attr_in(html: &str, selector: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).ok()?;
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// Every value of an attribute over the elements matching `selector`.
pub fn attrs_in(html: &str, selector: &str, name: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let Ok(sel) = scraper::Selector::parse(selector) else {
        return Vec::new();
    };
    doc.select(&sel)
        .filter_map(|e| e.value().attr(name))
        .map(str::to_string)
        .collect()
}

/// The hidden fields of the form matching `form` (its filter, its expectations), without
/// the CSRF token, which [`send`] adds.
pub fn hidden_fields(html: &str, form: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let Ok(sel) = scraper::Selector::parse(&format!("{form} input[type=hidden]")) else {
        return Vec::new();
    };
    doc.select(&sel)
        .filter_map(|e| Some((e.value().attr("name")?, e.value().attr("value")?)))
        .filter(|(name, _)| *name != "_csrf")
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Ends the step with a reason (no request to blame: the page lacked what the person needs).
pub fn stuck(why: &str) -> Box<TransactionError> {
    Box::new(TransactionError::Custom(why.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_links_are_read_from_the_page() {
        let html = r#"<html><head><meta name="csrf-token" content="abc"></head>
            <body><a class="x" href="/a">a</a><a class="x" href="/b">b</a></body></html>"#;
        assert_eq!(csrf_in(html).as_deref(), Some("abc"));
        assert_eq!(attrs_in(html, "a.x", "href"), ["/a", "/b"]);
        assert_eq!(attr_in(html, "a.y", "href"), None);
        let form = r#"<form id="batch"><input type="hidden" name="_csrf" value="t">
            <input type="hidden" name="status" value="office_pending"><input name="ids" value="1"></form>"#;
        assert_eq!(
            hidden_fields(form, "form#batch"),
            [("status".to_string(), "office_pending".to_string())]
        );
    }
}
