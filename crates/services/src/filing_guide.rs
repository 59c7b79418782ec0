//! 填报说明 — each 职改办 keeps its filing guide per year, with links to the policy
//! documents of every series or of one; the applicant reads the guide of the office and
//! year of their dossier, with their series' links, beside the pledge before 报送. Every
//! change is audited; an office touches only its own guide.

use zc_db::{Db, filing_guides};
use zc_domain::filing_guide::{DEFAULT_GUIDE, check_body, check_title, check_url, paragraphs};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor, office_review::office_of};

/// A guide as an applicant reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    pub paragraphs: Vec<String>,
    /// `(title, url)` of the policy documents that concern the reader.
    pub links: Vec<(String, String)>,
    /// False while the office has not written its own (the platform's words stand).
    pub own: bool,
}

/// The guide of `office_id` for `year`, with the links for every series and for
/// `series_id`; the platform's words when the office has not written one.
#[tracing::instrument(skip_all)]
pub async fn for_reader(
    db: &Db,
    office_id: i64,
    year: i32,
    series_id: Option<i64>,
) -> ServiceResult<Guide> {
    let own = filing_guides::find(db, office_id, year).await?;
    let body = own.as_ref().map_or(DEFAULT_GUIDE, |g| g.body.as_str());
    let links = filing_guides::links(db, office_id, year)
        .await?
        .into_iter()
        .filter(|l| l.series_id.is_none() || l.series_id == series_id)
        .map(|l| (l.title, l.url))
        .collect();
    Ok(Guide {
        paragraphs: paragraphs(body).into_iter().map(str::to_string).collect(),
        links,
        own: own.is_some(),
    })
}

/// The office's guide for `year` as its staff edit it: the text (the platform's words
/// until they write their own) and every link.
#[tracing::instrument(skip_all)]
pub async fn for_editor(
    db: &Db,
    actor: Actor<'_>,
    year: i32,
) -> ServiceResult<(String, Vec<filing_guides::LinkRow>)> {
    let (_, office_id) = office_of(db, &actor).await?;
    let body = filing_guides::find(db, office_id, year)
        .await?
        .map_or_else(|| DEFAULT_GUIDE.to_string(), |g| g.body);
    Ok((body, filing_guides::links(db, office_id, year).await?))
}

/// Saves the office's guide for `year`.
#[tracing::instrument(skip_all)]
pub async fn save(db: &Db, actor: Actor<'_>, year: i32, body: &str) -> ServiceResult<()> {
    let (staff_id, office_id) = office_of(db, &actor).await?;
    if let Some(why) = check_body(body) {
        return Err(FieldErrors::one("body", why));
    }
    let mut tx = db.begin_write().await?;
    filing_guides::put(&mut tx, office_id, year, body.trim(), staff_id).await?;
    let object = format!("filing_guide:{office_id}:{year}");
    zc_db::audit::record_in(&mut tx, &actor.event("filing_guide.save", &object, "")).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a policy link to the office's guide for `year`; `series_id` `None` for every
/// series.
#[tracing::instrument(skip_all)]
pub async fn add_link(
    db: &Db,
    actor: Actor<'_>,
    year: i32,
    series_id: Option<i64>,
    title: &str,
    url: &str,
) -> ServiceResult<i64> {
    let (_, office_id) = office_of(db, &actor).await?;
    let mut errors = FieldErrors::default();
    if let Some(id) = series_id
        && zc_db::reference::series_name(db, id).await?.is_none()
    {
        errors.add("series_id", "请选择适用的系列");
    }
    if let Some(why) = check_title(title) {
        errors.add("title", why);
    }
    if let Some(why) = check_url(url) {
        errors.add("url", why);
    }
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    let id = filing_guides::insert_link(
        &mut tx,
        &filing_guides::NewLink {
            office_id,
            year,
            series_id,
            title: title.trim(),
            url: url.trim(),
        },
    )
    .await?;
    let object = format!("filing_guide_link:{id}");
    let detail = format!("{} {}", title.trim(), url.trim());
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("filing_guide.link_add", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes one of the office's links; another office's is "not found".
#[tracing::instrument(skip_all)]
pub async fn remove_link(db: &Db, actor: Actor<'_>, id: i64) -> ServiceResult<()> {
    let (_, office_id) = office_of(db, &actor).await?;
    let mut tx = db.begin_write().await?;
    if !filing_guides::delete_link(&mut tx, office_id, id).await? {
        return Err(ServiceError::NotFound);
    }
    let object = format!("filing_guide_link:{id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("filing_guide.link_remove", &object, ""),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
