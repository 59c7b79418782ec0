//! 操作指南 — `/guide`: a guide for each role and application type, step by step with the
//! real page names, written in Markdown in `crates/web/guides/` and rendered once when
//! first asked for. `?q=` searches the sections; pages link to the section that explains
//! them ("如何填写？"). Raw HTML in the Markdown is shown as text, never passed through.

use std::sync::LazyLock;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query},
    routing::get,
};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};
use serde::Deserialize;

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, portal_nav, public_nav},
};

/// The guides, in the order of the index.
const SOURCES: &[(&str, &str)] = &[
    ("register", include_str!("../../guides/01-register.md")),
    ("evaluation", include_str!("../../guides/02-evaluation.md")),
    ("returns", include_str!("../../guides/03-returns.md")),
    ("fees", include_str!("../../guides/04-fees.md")),
    (
        "recognition",
        include_str!("../../guides/05-recognition.md"),
    ),
    (
        "replacement",
        include_str!("../../guides/06-replacement.md"),
    ),
    (
        "certificates",
        include_str!("../../guides/07-certificates.md"),
    ),
    ("expert", include_str!("../../guides/08-expert.md")),
    ("unit", include_str!("../../guides/09-unit.md")),
    ("office", include_str!("../../guides/10-office.md")),
    ("committee", include_str!("../../guides/11-committee.md")),
];

/// A rendered guide.
pub struct Guide {
    pub slug: &'static str,
    pub title: String,
    /// The first paragraph: who the guide is for.
    pub summary: String,
    pub html: String,
    /// `(anchor, heading, plain text)` of each 二级 section, for search.
    pub sections: Vec<(String, String, String)>,
}

static GUIDES: LazyLock<Vec<Guide>> =
    LazyLock::new(|| SOURCES.iter().map(|(slug, md)| render(slug, md)).collect());

/// Renders one guide: the `#` title is taken out (the page prints it), `##` headings get
/// their own text as id so links can name a section, and raw HTML becomes text.
fn render(slug: &'static str, markdown: &str) -> Guide {
    let events: Vec<Event> = Parser::new(markdown).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let (mut title, mut summary) = (String::new(), String::new());
    let mut sections: Vec<(String, String, String)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                if level == HeadingLevel::H1 {
                    title = text;
                } else {
                    if level == HeadingLevel::H2 {
                        sections.push((text.clone(), text.clone(), String::new()));
                    }
                    out.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(text.clone())),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    out.push(Event::Text(CowStr::from(text)));
                    out.push(Event::End(TagEnd::Heading(level)));
                }
                i = j + 1;
                continue;
            }
            Event::Html(raw) | Event::InlineHtml(raw) => out.push(Event::Text(raw.clone())),
            Event::Text(t) => {
                if summary.is_empty() && sections.is_empty() {
                    summary = t.to_string();
                }
                if let Some(s) = sections.last_mut() {
                    s.2.push_str(t);
                }
                out.push(events[i].clone());
            }
            e => out.push(e.clone()),
        }
        i += 1;
    }
    // A guide without 二级 headings is one section under its title.
    if sections.is_empty() {
        let text: String = events
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        sections.push((String::new(), title.clone(), text));
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, out.into_iter());
    Guide {
        slug,
        title,
        summary,
        html: html_out,
        sections,
    }
}

/// Where "如何填写？" on the form of an application type leads.
pub fn form_help(kind: zc_domain::application::ApplicationKind) -> &'static str {
    use zc_domain::application::ApplicationKind as K;
    match kind {
        K::Evaluation => "/guide/evaluation#填写申报表",
        K::Recognition | K::Reconfirmation => "/guide/recognition",
        K::Replacement => "/guide/replacement",
        K::Verification => "/guide/verification",
    }
}

/// Routes of the guide (public: people need it before they can sign in).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/guide", get(index))
        .route("/guide/{slug}", get(page))
}

/// A search hit.
pub struct Hit {
    pub href: String,
    pub guide: String,
    pub section: String,
    pub snippet: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/guide_index.html")]
struct IndexPage {
    ctx: PageContext,
    nav: Nav,
    guides: &'static [Guide],
    q: String,
    hits: Option<Vec<Hit>>,
}

/// `?q=` — what to look for.
#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

fn nav_for(ctx: &PageContext) -> Nav {
    match &ctx.user {
        Some(u) => portal_nav(u.role.portal(), "/guide"),
        None => public_nav("/guide"),
    }
}

/// The sections that mention every word of `q`, with the text around the first word.
pub fn search(q: &str) -> Vec<Hit> {
    let words: Vec<&str> = q.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    GUIDES
        .iter()
        .flat_map(|g| g.sections.iter().map(move |s| (g, s)))
        .filter(|(g, (_, heading, text))| {
            words
                .iter()
                .all(|w| heading.contains(w) || text.contains(w) || g.title.contains(w))
        })
        .map(|(g, (anchor, heading, text))| Hit {
            href: if anchor.is_empty() {
                format!("/guide/{}", g.slug)
            } else {
                format!("/guide/{}#{anchor}", g.slug)
            },
            guide: g.title.clone(),
            section: heading.clone(),
            snippet: snippet(text, words[0]),
        })
        .collect()
}

/// About 40 characters either side of the first place `word` appears.
fn snippet(text: &str, word: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = text
        .find(word)
        .map_or(0, |byte| text[..byte].chars().count());
    let from = at.saturating_sub(40);
    let to = (at + word.chars().count() + 40).min(chars.len());
    let mut s: String = chars[from..to].iter().collect();
    if from > 0 {
        s.insert(0, '…');
    }
    if to < chars.len() {
        s.push('…');
    }
    s
}

async fn index(ctx: PageContext, Query(q): Query<SearchQuery>) -> IndexPage {
    // A search box, not a query language: a long paste is cut to what a person types.
    let q: String = q.q.trim().chars().take(30).collect();
    let hits = (!q.is_empty()).then(|| search(&q));
    IndexPage {
        nav: nav_for(&ctx),
        ctx,
        guides: &GUIDES,
        q,
        hits,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/guide_page.html")]
struct GuidePage {
    ctx: PageContext,
    nav: Nav,
    guide: &'static Guide,
}

async fn page(ctx: PageContext, Path(slug): Path<String>) -> AppResult<GuidePage> {
    let guide = GUIDES
        .iter()
        .find(|g| g.slug == slug)
        .ok_or(AppError::NotFound)?;
    Ok(GuidePage {
        nav: nav_for(&ctx),
        ctx,
        guide,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guide_has_a_title_sections_and_no_raw_html() {
        for g in GUIDES.iter() {
            assert!(!g.title.is_empty(), "{}", g.slug);
            assert!(!g.sections.is_empty(), "{}", g.slug);
            assert!(
                !g.html.contains("<h1"),
                "{}: the page prints the title",
                g.slug
            );
        }
        let g = render(
            "x",
            "# 标题\n\n说明\n\n## 第一步\n\n<script>alert(1)</script>\n",
        );
        assert!(
            g.html.contains("<h2 id=\"第一步\">第一步</h2>"),
            "{}",
            g.html
        );
        assert!(g.html.contains("&lt;script&gt;"), "{}", g.html);
        assert_eq!(g.summary, "说明");
    }

    #[test]
    fn search_finds_sections_by_every_word_and_links_to_them() {
        let hits = search("撤回 确定");
        assert!(
            hits.iter().any(|h| h.href == "/guide/returns#撤回"),
            "{:?}",
            hits.iter().map(|h| &h.href).collect::<Vec<_>>()
        );
        assert!(search("没有这个词组合 撤回").is_empty());
        assert_eq!(snippet("一二三四五", "三"), "一二三四五");
    }
}
