//! `/office/statistics` — 统计报表: this 职改办's dossiers for a year by status, series,
//! level, unit and month, pass rates and the desks' median working days, each as an SVG
//! chart beside a table of the same numbers; 导出Excel writes the whole report.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::{Portal, application::ApplicationKind};
use zc_services::statistics::{self, Count, Report, ReportFilter};

use crate::extract::{ClientIp, Staff};
use crate::{
    bar_chart::BarChart,
    context::PageContext,
    error::AppResult,
    pager::Pager,
    routes::review_queue::Choice,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/statistics", get(page))
        .route("/statistics/export", post(export))
}

#[derive(Template, WebTemplate)]
#[template(path = "office/statistics.html")]
struct StatisticsPage {
    ctx: PageContext,
    nav: Nav,
    year: i32,
    kind: String,
    years: Vec<Choice>,
    kinds: Vec<Choice>,
    report: Report,
    charts: Charts,
    units: Vec<Count>,
    pager: Pager,
}

/// The page's charts.
struct Charts {
    status: BarChart,
    series: BarChart,
    level: BarChart,
    month: BarChart,
    desks: BarChart,
}

/// The filter as asked for: `year` (this year by default) and `kind` (all when empty).
#[derive(Debug, Default, Deserialize)]
struct StatisticsQuery {
    year: Option<i32>,
    #[serde(default)]
    kind: String,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// A year outside the offered range, or a kind that is none, falls back to the default.
fn filter_of(state: &AppState, year: Option<i32>, kind: &str) -> ReportFilter {
    let range = statistics::years_around(state.db.today());
    let this = *range.end() - 1;
    ReportFilter {
        year: year.filter(|y| range.contains(y)).unwrap_or(this),
        kind: ApplicationKind::from_code(kind),
    }
}

fn counted(id: &'static str, title: &str, rows: &[Count]) -> BarChart {
    BarChart::new(
        id,
        title,
        rows.iter()
            .map(|c| (c.label.clone(), c.total as f64, c.total.to_string())),
    )
}

async fn page(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Query(q): Query<StatisticsQuery>,
) -> AppResult<StatisticsPage> {
    let filter = filter_of(&state, q.year, &q.kind);
    let actor = staff.user.actor(&ip);
    let report = statistics::office_report(&state.db, actor, filter).await?;
    let kind = filter.kind.map_or("", ApplicationKind::code).to_string();
    let unit_total = statistics::unit_count(&state.db, staff.user.actor(&ip), filter).await?;
    let pager = Pager::new(
        unit_total as u64,
        q.page,
        q.per_page,
        "/office/statistics",
        vec![
            ("year".into(), filter.year.to_string()),
            ("kind".into(), kind.clone()),
        ],
    );
    let units = statistics::units(
        &state.db,
        staff.user.actor(&ip),
        filter,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?;
    let charts = Charts {
        status: BarChart::new(
            "chart-status",
            "各状态申报数",
            report
                .by_status
                .iter()
                .map(|(l, n)| ((*l).to_string(), *n as f64, n.to_string())),
        ),
        series: counted("chart-series", "各系列申报数", &report.by_series),
        level: counted("chart-level", "各级别申报数", &report.by_level),
        month: BarChart::new(
            "chart-month",
            "每月报送数",
            report
                .by_month
                .iter()
                .map(|(m, n)| (format!("{m}月"), *n as f64, n.to_string())),
        ),
        desks: BarChart::new(
            "chart-desks",
            "各环节办理用时中位数（工作日）",
            report.desks.iter().map(|d| {
                let days = d.median_days.unwrap_or(0.0);
                let shown = d
                    .median_days
                    .map_or_else(|| "—".into(), |m| format!("{m:.1}"));
                (d.label.to_string(), days, shown)
            }),
        ),
    };
    let years = statistics::years_around(state.db.today())
        .rev()
        .map(|y| Choice {
            selected: y == filter.year,
            value: y.to_string(),
            label: format!("{y}年度"),
        })
        .collect();
    let kinds = std::iter::once(Choice {
        selected: kind.is_empty(),
        value: String::new(),
        label: "全部申报类型".into(),
    })
    .chain(ApplicationKind::ALL.into_iter().map(|k| Choice {
        selected: k.code() == kind,
        value: k.code().into(),
        label: k.name().into(),
    }))
    .collect();
    Ok(StatisticsPage {
        nav: portal_nav(Portal::Office, "/office/statistics"),
        ctx: staff.ctx,
        year: filter.year,
        kind,
        years,
        kinds,
        report,
        charts,
        units,
        pager,
    })
}

/// The export's filter, posted from the page.
#[derive(Debug, Default, Deserialize)]
struct ExportForm {
    year: Option<i32>,
    #[serde(default)]
    kind: String,
}

async fn export(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<ExportForm>,
) -> AppResult<Response> {
    let filter = filter_of(&state, f.year, &f.kind);
    let bytes = statistics::export(
        &state.db,
        staff.user.actor(&ip),
        &staff.account.display_name,
        filter,
    )
    .await?;
    let name = format!("statistics-{}.xlsx", filter.year);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
