//! 队列筛选 — a queue's filter as it arrives in the address (or a posted batch form), read
//! into the database filter with every part that cannot be read named back.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use zc_db::review_queue::{After, Keyword, QueueFilter, QueueSort};
use zc_domain::{
    application::{ApplicationKind, ApplicationStatus, queue_keyword::QueueKeyword},
    calendar::china_day_start,
};

use crate::{routes::review_form::Posted, state::AppState};

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
pub(crate) const SORTS: [(&str, &str, QueueSort); 4] = [
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

pub(crate) fn text(v: &Option<String>) -> &str {
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
                QueueKeyword::IdNumber(n) => Keyword::IdIndex(state.vault.index("id", &n)),
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

/// Reads a keyset position `{nanoseconds}.{id}`; anything else is ignored (first page).
pub(crate) fn parse_after(raw: &str) -> Option<After> {
    let (nanos, id) = raw.split_once('.')?;
    Some(After {
        submitted_at: chrono::DateTime::from_timestamp_nanos(nanos.parse().ok()?),
        id: id.parse().ok()?,
    })
}
