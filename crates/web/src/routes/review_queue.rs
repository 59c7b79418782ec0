//! 审核队列页面 — the queue every review desk shares (unit, 主管部门, 职改办): tabs by status
//! with counts, the filters (year, series, level, committee, unit, submission dates, keyword),
//! the sort, the pager, and the batch and 花名册 forms that act on "this filter". Every
//! filter lives in the address, so a filtered queue can be bookmarked.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use zc_db::{
    queue_tally::QueueTotal,
    review_queue::{After, Keyword, PageStart, QueueFilter, QueueScope, QueueSort},
};
use zc_domain::{
    TitleLevel,
    application::{ApplicationKind, ApplicationStatus, queue_keyword::QueueKeyword},
    calendar::china_day_start,
};
use zc_services::roster_export::ROSTER_COLUMNS;

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    routes::review_form::Posted,
    state::AppState,
    views::{Nav, format_time},
};

/// Filters of a queue as they arrive in the address (all optional, all text, so that a
/// hand-edited address never fails to parse; what cannot be read is named back).
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct QueueQuery {
    pub status: Option<String>,
    pub q: Option<String>,
    pub year: Option<String>,
    pub series: Option<String>,
    pub level: Option<String>,
    pub committee: Option<String>,
    /// 申报类型.
    pub kind: Option<String>,
    pub unit: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// After a batch: how many were decided and how many had already moved on.
    pub done: Option<u64>,
    pub skipped: Option<u64>,
    /// After a 退回: the dossier returned, for the confirmation.
    pub returned: Option<i64>,
    /// Left undone because the database was too busy.
    pub unfinished: Option<u64>,
    /// Keyset position the page starts after (`{nanoseconds}.{id}` of the last line of the
    /// page before), set by 下一页.
    pub after: Option<String>,
}

/// The sorts offered, with their address codes.
const SORTS: [(&str, &str, QueueSort); 4] = [
    ("", "报送时间（先报先审）", QueueSort::SubmittedAsc),
    ("newest", "报送时间（最新在前）", QueueSort::SubmittedDesc),
    ("name", "姓名", QueueSort::Name),
    ("number", "编号", QueueSort::Number),
];

/// A queue filter read from the address, with what it keeps in links.
pub(crate) struct ReadFilter {
    pub status: ApplicationStatus,
    pub filter: QueueFilter,
    /// The filter as address parameters (without page), kept by links and forms.
    pub params: Vec<(String, String)>,
    /// Values that could not be read, named in Chinese.
    pub problems: Vec<String>,
    pub keyword: String,
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

impl QueueQuery {
    /// The filter a form carried in its hidden fields (the batch and export forms).
    pub(crate) fn posted(posted: &Posted) -> QueueQuery {
        let value = |k: &str| Some(posted.value(k)).filter(|v| !v.is_empty());
        QueueQuery {
            status: value("status"),
            q: value("q"),
            year: value("year"),
            series: value("series"),
            level: value("level"),
            committee: value("committee"),
            kind: value("kind"),
            unit: value("unit"),
            from: value("from"),
            until: value("until"),
            sort: value("sort"),
            ..QueueQuery::default()
        }
    }

    /// Reads the filter for a desk with these tabs; phone numbers are searched by their
    /// blind index, never in the clear.
    pub(crate) fn read(&self, state: &AppState, tabs: &[ApplicationStatus]) -> ReadFilter {
        let status = tabs
            .iter()
            .copied()
            .find(|s| Some(s.code()) == self.status.as_deref())
            .unwrap_or(tabs[0]);
        let mut problems = Vec::new();
        let mut params = vec![("status".to_string(), status.code().to_string())];
        let mut keep = |k: &str, v: &str| params.push((k.to_string(), v.to_string()));
        let mut number = |key: &str, label: &str, raw: &Option<String>| -> Option<i64> {
            let t = text(raw);
            if t.is_empty() {
                return None;
            }
            match t.parse::<i64>() {
                Ok(n) => {
                    keep(key, t);
                    Some(n)
                }
                Err(_) => {
                    problems.push(format!("{label}“{t}”无法识别，已忽略"));
                    None
                }
            }
        };
        let year = number("year", "年度", &self.year).and_then(|y| i32::try_from(y).ok());
        let series_id = number("series", "系列", &self.series);
        let committee_id = number("committee", "评委会", &self.committee);
        let level_rank = number("level", "级别", &self.level).and_then(|r| i32::try_from(r).ok());
        let mut date = |key: &str, label: &str, raw: &Option<String>| -> Option<NaiveDate> {
            let t = text(raw);
            if t.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) => {
                    params.push((key.to_string(), t.to_string()));
                    Some(d)
                }
                Err(_) => {
                    problems.push(format!("{label}“{t}”应写成 2026-03-02 这样的日期，已忽略"));
                    None
                }
            }
        };
        let from = date("from", "报送起始日期", &self.from);
        let until = date("until", "报送截止日期", &self.until);
        let kind = ApplicationKind::from_code(text(&self.kind));
        if let Some(k) = kind {
            params.push(("kind".into(), k.code().to_string()));
        } else if !text(&self.kind).is_empty() {
            problems.push(format!("申报类型“{}”无法识别，已忽略", text(&self.kind)));
        }
        let unit_name: String = text(&self.unit)
            .chars()
            .filter(|c| *c != '%' && *c != '_')
            .take(40)
            .collect();
        if !unit_name.is_empty() {
            params.push(("unit".into(), unit_name.clone()));
        }
        let read = QueueKeyword::read(text(&self.q));
        let keyword = read.shown().to_string();
        if !keyword.is_empty() {
            params.push(("q".into(), keyword.clone()));
        }
        let sort_code = text(&self.sort);
        let sort = SORTS
            .iter()
            .find(|(c, _, _)| *c == sort_code)
            .map_or(QueueSort::SubmittedAsc, |(_, _, s)| *s);
        if !sort_code.is_empty() && sort != QueueSort::SubmittedAsc {
            params.push(("sort".into(), sort_code.to_string()));
        }
        let filter = QueueFilter {
            status: status.code().to_string(),
            year,
            series_id,
            level_rank,
            committee_id,
            kind: kind.map(|k| k.code().to_string()).unwrap_or_default(),
            unit_name: (!unit_name.is_empty()).then_some(unit_name),
            submitted_from: from.map(china_day_start),
            submitted_before: until.map(|d| china_day_start(d + Duration::days(1))),
            keyword: match read {
                QueueKeyword::Any => Keyword::Any,
                QueueKeyword::Name(n) => Keyword::Name(n),
                QueueKeyword::IdTail(t) => Keyword::IdTail(t),
                QueueKeyword::Mobile(m) => Keyword::PhoneIndex(state.vault.index("phone", &m)),
            },
            sort,
        };
        ReadFilter {
            status,
            filter,
            params,
            problems,
            keyword,
        }
    }
}

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

/// Reads a keyset position `{nanoseconds}.{id}`; anything else is ignored (first page).
fn parse_after(raw: &str) -> Option<After> {
    let (nanos, id) = raw.split_once('.')?;
    Some(After {
        submitted_at: chrono::DateTime::from_timestamp_nanos(nanos.parse().ok()?),
        id: id.parse().ok()?,
    })
}

/// The dossiers a batch acts on: the rows ticked, or every dossier matching the posted
/// filter when the count the person confirmed is still the count now.
pub(crate) async fn batch_ids(
    state: &AppState,
    scope: QueueScope,
    tabs: &[ApplicationStatus],
    posted: &Posted,
) -> AppResult<Vec<i64>> {
    let ids: Vec<i64> = if posted.value("all") == "1" {
        let mut query = QueueQuery::posted(posted);
        query.status = Some(tabs[0].code().to_string());
        let read = query.read(state, tabs);
        let now = zc_db::review_queue::queue_count(&state.db, scope, &read.filter).await?;
        let expected: i64 = posted.value("expected").parse().unwrap_or(-1);
        if now != expected {
            return Err(AppError::Refused(format!(
                "筛选结果已变化（现为{now}件，确认时为{expected}件），请刷新后重新确认"
            )));
        }
        zc_db::review_queue::queue_ids(&state.db, scope, &read.filter).await?
    } else {
        posted
            .all("ids")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    if ids.is_empty() {
        return Err(AppError::Refused("请先勾选要办理的申报".into()));
    }
    Ok(ids)
}

/// What a batch did: each dossier is its own decision (its own transaction). Dossiers that
/// moved on meanwhile, or wait for something such as the unit's publicity, are skipped and
/// counted; a missing opinion stops the batch with its message. When the database is too
/// busy the batch stops there: what was decided stands and is reported, the rest is counted
/// as unfinished, so the answer never hides committed decisions behind an error page.
#[derive(Debug, Default)]
pub(crate) struct BatchTally {
    pub done: u64,
    pub skipped: u64,
    pub unfinished: u64,
}

impl BatchTally {
    /// Decides every dossier of `ids` with `decide`, in order.
    pub(crate) async fn run<F, Fut>(ids: Vec<i64>, mut decide: F) -> AppResult<BatchTally>
    where
        F: FnMut(i64) -> Fut,
        Fut: std::future::Future<Output = zc_services::ServiceResult<ApplicationStatus>>,
    {
        let mut tally = BatchTally::default();
        for id in ids {
            if tally.unfinished > 0 {
                tally.unfinished += 1;
            } else {
                tally.add(decide(id).await)?;
            }
        }
        Ok(tally)
    }

    /// Counts one decision's outcome.
    fn add(&mut self, outcome: zc_services::ServiceResult<ApplicationStatus>) -> AppResult<()> {
        use zc_services::ServiceError;
        match outcome {
            Ok(_) => self.done += 1,
            Err(ServiceError::Invalid(errors)) => {
                let why = errors
                    .0
                    .into_iter()
                    .map(|(_, m)| m)
                    .next()
                    .unwrap_or_else(|| "请填写审核意见".into());
                return Err(AppError::Refused(why));
            }
            Err(ServiceError::Refused { .. } | ServiceError::NotFound) => self.skipped += 1,
            Err(ServiceError::Busy) => self.unfinished += 1,
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Back to the queue's first tab at `path`, with the counts for the notice.
    pub(crate) fn redirect(&self, path: &str, tab: ApplicationStatus) -> Response {
        Redirect::to(&format!(
            "{path}?status={}&done={}&skipped={}&unfinished={}",
            tab.code(),
            self.done,
            self.skipped,
            self.unfinished
        ))
        .into_response()
    }
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
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
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
