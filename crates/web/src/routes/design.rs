//! `/design` — every component of the design system on one page (demo mode only), so
//! designers and testers can check them at 360 px and in 适老化 mode.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    routing::get,
};
use serde::Deserialize;

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    state::AppState,
    views::{Nav, public_nav},
};

/// `/design`.
pub fn router() -> Router<AppState> {
    Router::new().route("/design", get(design))
}

/// Paging of the sample table.
#[derive(Debug, Deserialize)]
pub struct DesignQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A row of the sample table.
pub struct SampleRow {
    pub no: u64,
    pub name: &'static str,
    pub series: &'static str,
    pub status: &'static str,
    pub tag: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "design.html")]
struct DesignPage {
    ctx: PageContext,
    nav: Nav,
    pager: Pager,
    rows: Vec<SampleRow>,
}

const SAMPLE: [(&str, &str, &str, &str); 5] = [
    ("张*三", "工程/中级/工程师", "待完善", "warning"),
    ("李*", "卫生/副高级/副主任医师", "单位受理中", "primary"),
    ("王*明", "会计/中级/会计师", "评审通过", "success"),
    ("赵*华", "工程/助理级/助理工程师", "退回", "danger"),
    ("陈*", "经济/中级/经济师", "已办结", "info"),
];

async fn design(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<DesignQuery>,
) -> AppResult<DesignPage> {
    if !state.config.demo {
        return Err(AppError::NotFound);
    }
    let pager = Pager::new(134, q.page, q.per_page, "/design", vec![]);
    let rows = (0..pager.per_page.min(5))
        .map(|i| {
            let (name, series, status, tag) = SAMPLE[i as usize % SAMPLE.len()];
            SampleRow {
                no: pager.offset() + i + 1,
                name,
                series,
                status,
                tag,
            }
        })
        .collect();
    let nav = public_nav(&ctx.path);
    Ok(DesignPage {
        ctx,
        nav,
        pager,
        rows,
    })
}
