//! 审核队列页面 — the queue every review desk shares (unit, 主管部门, 职改办): tabs by status
//! with counts, the filters (year, series, level, committee, unit, submission dates, keyword),
//! the sort, the pager, and the batch and 花名册 forms that act on "this filter". Every
//! filter lives in the address, so a filtered queue can be bookmarked.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect};
use zc_db::{
    queue_tally::QueueTotal,
    review_queue::{PageStart, QueueScope, QueueSort},
};
use zc_domain::{
    TitleLevel,
    application::{ApplicationKind, ApplicationStatus},
};
use zc_services::roster_export::ROSTER_COLUMNS;

use super::queue_query::{SORTS, parse_after, text};
pub(crate) use super::{
    queue_batch::{back_to_queue, batch_ids},
    queue_query::QueueQuery,
};
use crate::{
    context::PageContext,
    error::AppResult,
    pager::Pager,
    routes::review_form::Posted,
    state::AppState,
    views::{Nav, format_time},
};

/// A tab with its count.
pub struct Tab {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub current: bool,
}

/// A queue line.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub unit: String,
    pub qualification: String,
    pub submitted: String,
}

/// An option of a filter select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(items: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

/// The filter form as shown.
pub struct FilterForm {
    pub year: String,
    pub from: String,
    pub until: String,
    pub unit: String,
    pub show_unit: bool,
    pub series: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub committees: Vec<Choice>,
    /// 申报类型.
    pub kinds: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub problems: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/queue.html")]
pub(crate) struct QueuePage {
    pub ctx: PageContext,
    pub nav: Nav,
    /// Where the queue and its dossiers live, e.g. `/unit/applications`.
    pub base: &'static str,
    pub tabs: Vec<Tab>,
    pub status: &'static str,
    pub q: String,
    pub form: FilterForm,
    /// The current filter as hidden fields for the batch and export forms.
    pub params: Vec<(String, String)>,
    pub lines: Vec<Line>,
    pub pager: Pager,
    /// `total` is a lower bound (see [`QueueTotal::AtLeast`]).
    pub more: bool,
    /// Batch approval is offered (the desk's own pending tab).
    pub batch: bool,
    /// What the batch button says (审核通过并报送 for a unit, 通过 for the offices).
    pub batch_label: &'static str,
    pub total: u64,
    /// After a batch: done, skipped, and left undone because the system was busy.
    pub batch_result: Option<(u64, u64, u64)>,
    /// After a 退回: whose dossier went back (only when it is this desk's).
    pub returned_name: Option<String>,
    /// 花名册 columns: code, header, ticked.
    pub roster_columns: Vec<(&'static str, &'static str, bool)>,
    /// The person may ask for full identifiers (a 负责人).
    pub may_reveal: bool,
    pub reveal_reason: String,
    pub roster_error: Option<String>,
}

/// A review queue: tabs with counts, the filters, the page of lines. `batch_label` is set
/// when the desk may act on its pending tab in a batch.
pub(crate) async fn queue_page(
    state: &AppState,
    ctx: PageContext,
    desk: QueueDesk,
    q: QueueQuery,
) -> AppResult<QueuePage> {
    let QueueDesk {
        nav,
        base,
        scope,
        tabs,
        batch_label,
        may_reveal,
    } = desk;
    let read = q.read(state, tabs);
    let desk_counts = zc_db::queue_tally::desk_counts(&state.db, scope).await?;
    let counts = desk_counts.by_status();
    let tab_views = tabs
        .iter()
        .map(|s| Tab {
            code: s.code(),
            label: s.label(),
            count: counts
                .iter()
                .find(|(c, _)| c == s.code())
                .map_or(0, |(_, n)| *n),
            current: *s == read.status,
        })
        .collect();
    let (total, more) = match zc_db::queue_tally::queue_total(
        &state.db,
        scope,
        &read.filter,
        &desk_counts,
    )
    .await?
    {
        QueueTotal::Exact(n) => (n as u64, false),
        QueueTotal::AtLeast(n) => (n as u64, true),
    };
    let after = q
        .after
        .as_deref()
        .and_then(parse_after)
        .filter(|_| read.filter.sort != QueueSort::Name);
    let mut pager = Pager::new(total, q.page, q.per_page, base, read.params.clone());
    if after.is_none() {
        pager = pager.jumps_up_to(JUMP_ROWS);
    }
    let start = match after {
        Some(a) => PageStart::After(a),
        _ => PageStart::Offset(pager.offset() as i64),
    };
    // An empty count needs no page read (a filter on an empty cell would otherwise walk
    // the whole status in submission order looking for a first line).
    let rows = if total == 0 && !more {
        Vec::new()
    } else {
        zc_db::review_queue::queue(&state.db, scope, &read.filter, pager.per_page as i64, start)
            .await?
    };
    let next_after = match rows.last() {
        Some(last) if rows.len() as u64 == pager.per_page => last
            .submitted_at
            .and_then(|t| t.timestamp_nanos_opt())
            .map(|t| format!("{t}.{}", last.id)),
        _ => None,
    };
    let pager = pager.keyset(more, after.and(q.page), next_after);
    let lines = rows
        .into_iter()
        .map(|r| Line {
            id: r.id,
            name: r.applicant_name,
            id_number: r.id_number_masked,
            unit: r.unit_name,
            qualification: format!(
                "{}：{}系列/{}/{}",
                ApplicationKind::from_code(&r.kind).map_or("", ApplicationKind::name),
                r.series_name,
                TitleLevel::from_rank(r.level_rank).map_or("", TitleLevel::name),
                r.title_name
            ),
            submitted: r.submitted_at.map(format_time).unwrap_or_default(),
        })
        .collect();
    let offered = filter_choices(state).await?;
    let series = offered.series.iter().cloned();
    let committees = offered.committees.iter().cloned();
    let f = &read.filter;
    let shown = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let form = FilterForm {
        year: f.year.map(|y| y.to_string()).unwrap_or_default(),
        from: text(&q.from).to_string(),
        until: text(&q.until).to_string(),
        unit: f.unit_name.clone().unwrap_or_default(),
        show_unit: !matches!(scope, QueueScope::Unit(_)),
        series: choices(
            series.into_iter().map(|s| (s.id.to_string(), s.name)),
            &shown(f.series_id),
        ),
        levels: choices(
            TitleLevel::ALL
                .iter()
                .map(|l| (l.rank().to_string(), l.name().to_string())),
            &shown(f.level_rank.map(i64::from)),
        ),
        committees: choices(
            committees.into_iter().map(|c| (c.id.to_string(), c.name)),
            &shown(f.committee_id),
        ),
        kinds: choices(
            ApplicationKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), k.name().to_string())),
            &f.kind,
        ),
        sorts: choices(
            SORTS.iter().map(|(c, l, _)| (c.to_string(), l.to_string())),
            text(&q.sort),
        ),
        problems: read.problems,
    };
    let batch = batch_label.is_some() && read.status == tabs[0];
    let returned_name = match q.returned {
        Some(id) => zc_db::review_queue::applicant_name_in_scope(&state.db, scope, id).await?,
        None => None,
    };
    Ok(QueuePage {
        more,
        returned_name,
        batch,
        batch_label: batch_label.unwrap_or(""),
        total,
        batch_result: q
            .done
            .map(|d| (d, q.skipped.unwrap_or(0), q.unfinished.unwrap_or(0))),
        nav,
        base,
        ctx,
        tabs: tab_views,
        status: read.status.code(),
        q: read.keyword,
        form,
        params: read.params,
        lines,
        pager,
        roster_columns: ROSTER_COLUMNS.to_vec(),
        may_reveal,
        reveal_reason: String::new(),
        roster_error: None,
    })
}

/// How deep a queue page may start when asked for by number (see [`Pager::jumps_up_to`]).
const JUMP_ROWS: u64 = 5_000;

/// What the filter form offers: every series and committee.
#[derive(Debug, Clone)]
pub struct FilterChoices {
    pub series: Vec<zc_db::organisations::SeriesChoice>,
    pub committees: Vec<zc_db::reference::CommitteeRow>,
}

/// The filter form's choices, read at most once a minute ([`crate::fresh`]).
async fn filter_choices(state: &AppState) -> AppResult<std::sync::Arc<FilterChoices>> {
    if let Some(c) = state.filter_choices.get(|_| true) {
        return Ok(c);
    }
    Ok(state.filter_choices.keep(FilterChoices {
        series: zc_db::organisations::series(&state.db).await?,
        committees: zc_db::reference::committees(&state.db).await?,
    }))
}

/// The desk a queue belongs to, for the roster form's handler.
pub(crate) struct QueueDesk {
    pub nav: Nav,
    pub base: &'static str,
    pub scope: QueueScope,
    pub tabs: &'static [ApplicationStatus],
    pub batch_label: Option<&'static str>,
    /// The person may ask for full identifiers (a 负责人), read with the desk.
    pub may_reveal: bool,
}

impl QueueDesk {
    /// Whether `staff` may ask for full identifiers.
    pub fn may_reveal(staff: &zc_db::accounts::Account) -> bool {
        staff
            .duty
            .as_deref()
            .and_then(zc_domain::organisation::Duty::from_code)
            .is_some_and(zc_domain::organisation::Duty::may_reveal_identity)
    }
}

/// 生成花名册: queues the export of the posted filter and sends the person to their
/// exports; a refusal shows the queue again with the message and the ticked columns.
pub(crate) async fn roster_request(
    state: &AppState,
    ctx: PageContext,
    ip: &str,
    desk: QueueDesk,
    posted: Posted,
) -> AppResult<axum::response::Response> {
    let user = ctx.signed_in()?;
    let query = QueueQuery::posted(&posted);
    let read = query.read(state, desk.tabs);
    let scope = desk.scope;
    let columns = posted.all("col");
    let reason = posted.value("reveal_reason");
    let outcome = zc_services::roster_export::request(
        &state.db,
        user.actor(ip),
        scope,
        read.filter,
        &columns,
        (posted.value("reveal") == "1").then_some(reason.as_str()),
    )
    .await;
    let message = match outcome {
        Ok(_) => return Ok(Redirect::to("/exports").into_response()),
        Err(e) => crate::error::refusal_message(e)?,
    };
    let mut page = queue_page(state, ctx, desk, query).await?;
    for c in &mut page.roster_columns {
        c.2 = columns.iter().any(|t| t == c.0);
    }
    page.reveal_reason = reason;
    page.roster_error = Some(message);
    Ok(page.into_response())
}
