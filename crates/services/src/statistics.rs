//! 统计报表 — a 职改办's figures for a year: dossiers by status, series, level, unit and
//! month; pass rates; the median working days each desk held a dossier; and the same as
//! an .xlsx workbook (the export is audited). An office sees only its own dossiers.

use chrono::{Datelike, NaiveDate};
use zc_db::{Db, statistics as q};
use zc_docs::{Cell, TableBook};
use zc_domain::{
    application::{ApplicationKind, ApplicationStatus},
    calendar::china_day_start,
    level::TitleLevel,
    statistics::{Desk, Outcome, Step, desk_medians, pass_rate},
};

use crate::{ServiceResult, accounts::Actor, office_review::office_of};

/// What a report covers: a year, and one 申报类型 or all.
#[derive(Debug, Clone, Copy)]
pub struct ReportFilter {
    pub year: i32,
    pub kind: Option<ApplicationKind>,
}

impl ReportFilter {
    fn scope(&self, office_id: i64) -> q::Scope<'static> {
        q::Scope {
            office_id,
            year: self.year,
            kind: self.kind.map_or("", ApplicationKind::code),
        }
    }
}

/// Dossiers of one group, with how many passed and failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub label: String,
    pub total: i64,
    pub passed: i64,
    pub failed: i64,
}

impl Count {
    fn new(label: impl Into<String>) -> Count {
        Count {
            label: label.into(),
            total: 0,
            passed: 0,
            failed: 0,
        }
    }

    fn add(&mut self, status: ApplicationStatus, n: i64) {
        self.total += n;
        match Outcome::of(status) {
            Outcome::Passed => self.passed += n,
            Outcome::Failed => self.failed += n,
            Outcome::Open => {}
        }
    }

    /// Passed out of decided, in per cent.
    pub fn rate(&self) -> Option<f64> {
        pass_rate(self.passed, self.failed)
    }

    /// The rate as people read it ("75.0%", or "—" before any decision).
    pub fn rate_text(&self) -> String {
        self.rate()
            .map_or_else(|| "—".into(), |r| format!("{r:.1}%"))
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.label.clone()),
            Cell::Number(self.total as f64),
            Cell::Number(self.passed as f64),
            Cell::Number(self.failed as f64),
            self.rate()
                .map_or(Cell::Empty, |r| Cell::Number((r * 10.0).round() / 10.0)),
        ]
    }
}

/// A desk's figure: finished stays and their median in working days.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskFigure {
    pub label: &'static str,
    pub stays: usize,
    pub median_days: Option<f64>,
}

/// An office's report for a year (the unit table is paged separately).
#[derive(Debug, Clone)]
pub struct Report {
    pub office_name: String,
    pub total: Count,
    /// `(status label, dossiers)` in the order of the process.
    pub by_status: Vec<(&'static str, i64)>,
    pub by_series: Vec<Count>,
    pub by_level: Vec<Count>,
    /// Dossiers submitted in each month of the year (China time), January first.
    pub by_month: Vec<(u32, i64)>,
    pub desks: Vec<DeskFigure>,
}

/// The report of the staff member's office.
#[tracing::instrument(skip_all)]
pub async fn office_report(
    db: &Db,
    actor: Actor<'_>,
    filter: ReportFilter,
) -> ServiceResult<Report> {
    let (_, office_id) = office_of(db, &actor).await?;
    report(db, office_id, filter).await
}

async fn report(db: &Db, office_id: i64, filter: ReportFilter) -> ServiceResult<Report> {
    let scope = filter.scope(office_id);
    let rows = q::tally(db, scope).await?;
    let mut total = Count::new("合计");
    let mut by_status: Vec<(&'static str, i64)> = Vec::new();
    let mut by_series: Vec<(i64, Count)> = Vec::new();
    let mut by_level: Vec<(i32, Count)> = Vec::new();
    for status in ApplicationStatus::ALL {
        let n: i64 = rows
            .iter()
            .filter(|r| r.status == status.code())
            .map(|r| r.n)
            .sum();
        if n > 0 {
            by_status.push((status.label(), n));
        }
    }
    for r in &rows {
        let Some(status) = ApplicationStatus::from_code(&r.status) else {
            continue;
        };
        total.add(status, r.n);
        match by_series.iter_mut().find(|(id, _)| *id == r.series_id) {
            Some((_, c)) => c.add(status, r.n),
            None => {
                let mut c = Count::new(r.series_name.clone());
                c.add(status, r.n);
                by_series.push((r.series_id, c));
            }
        }
        match by_level.iter_mut().find(|(rank, _)| *rank == r.level_rank) {
            Some((_, c)) => c.add(status, r.n),
            None => {
                let label = TitleLevel::from_rank(r.level_rank).map_or("", TitleLevel::name);
                let mut c = Count::new(label);
                c.add(status, r.n);
                by_level.push((r.level_rank, c));
            }
        }
    }
    by_level.sort_by_key(|(rank, _)| *rank);
    let by_month = months(db, scope, filter.year).await?;
    let calendar = zc_db::calendar::working_calendar(db, zc_db::seed::GUANGXI).await?;
    let steps: Vec<Step> = q::steps(db, scope)
        .await?
        .into_iter()
        .map(|s| Step {
            application_id: s.application_id,
            on: zc_domain::calendar::china_date(s.at),
            from: ApplicationStatus::from_code(&s.from_status),
            to: ApplicationStatus::from_code(&s.to_status),
        })
        .collect();
    let desks = desk_medians(&steps, &calendar)
        .into_iter()
        .map(|(desk, stays, median_days)| DeskFigure {
            label: Desk::label(desk),
            stays,
            median_days,
        })
        .collect();
    Ok(Report {
        office_name: zc_db::reference::org_name(db, "office", office_id)
            .await?
            .unwrap_or_default(),
        total,
        by_status,
        by_series: by_series.into_iter().map(|(_, c)| c).collect(),
        by_level: by_level.into_iter().map(|(_, c)| c).collect(),
        by_month,
        desks,
    })
}

/// Submissions in each month of `year`, counted by China date.
async fn months(db: &Db, scope: q::Scope<'_>, year: i32) -> ServiceResult<Vec<(u32, i64)>> {
    let bounds: Vec<_> = (1..=13)
        .filter_map(|m| {
            let (y, m) = if m == 13 { (year + 1, 1) } else { (year, m) };
            NaiveDate::from_ymd_opt(y, m, 1).map(china_day_start)
        })
        .collect();
    let counts = q::submitted_between(db, scope, &bounds).await?;
    Ok(counts
        .into_iter()
        .enumerate()
        .map(|(i, n)| (i as u32 + 1, n))
        .collect())
}

/// Statuses of each outcome, as codes for the per-unit counts.
fn outcome_codes(outcome: Outcome) -> Vec<&'static str> {
    ApplicationStatus::ALL
        .into_iter()
        .filter(|s| Outcome::of(*s) == outcome)
        .map(ApplicationStatus::code)
        .collect()
}

/// How many units sent the office dossiers in the filter's year.
#[tracing::instrument(skip_all)]
pub async fn unit_count(db: &Db, actor: Actor<'_>, filter: ReportFilter) -> ServiceResult<i64> {
    let (_, office_id) = office_of(db, &actor).await?;
    Ok(q::unit_count(db, filter.scope(office_id)).await?)
}

/// One page of the per-unit counts, most dossiers first.
#[tracing::instrument(skip_all)]
pub async fn units(
    db: &Db,
    actor: Actor<'_>,
    filter: ReportFilter,
    limit: i64,
    offset: i64,
) -> ServiceResult<Vec<Count>> {
    let (_, office_id) = office_of(db, &actor).await?;
    unit_counts(db, filter.scope(office_id), limit, offset).await
}

async fn unit_counts(
    db: &Db,
    scope: q::Scope<'_>,
    limit: i64,
    offset: i64,
) -> ServiceResult<Vec<Count>> {
    let passed = outcome_codes(Outcome::Passed);
    let failed = outcome_codes(Outcome::Failed);
    Ok(q::by_unit(db, scope, &passed, &failed, limit, offset)
        .await?
        .into_iter()
        .map(|u| Count {
            label: u.unit_name,
            total: u.total,
            passed: u.passed,
            failed: u.failed,
        })
        .collect())
}

/// The whole report as an .xlsx workbook (every unit, not one page); audited.
#[tracing::instrument(skip_all)]
pub async fn export(
    db: &Db,
    actor: Actor<'_>,
    exported_by: &str,
    filter: ReportFilter,
) -> ServiceResult<Vec<u8>> {
    let (_, office_id) = office_of(db, &actor).await?;
    let r = report(db, office_id, filter).await?;
    let scope = filter.scope(office_id);
    let units = unit_counts(db, scope, i64::MAX, 0).await?;
    let kind = filter.kind.map_or("全部申报类型", ApplicationKind::name);
    let watermark = format!(
        "{} {}年度 {kind} · {exported_by} 导出 · {}",
        r.office_name,
        filter.year,
        zc_domain::calendar::format_china_time(db.now())
    );
    let counted = ["分组", "申报数", "通过", "未通过", "通过率(%)"];
    let mut book = TableBook::new(&watermark);
    let sheet = |e: zc_docs::SheetError| crate::ServiceError::Internal(e.into());
    book.add(
        "按状态",
        "申报状态分布",
        &["状态", "申报数"],
        &r.by_status
            .iter()
            .map(|(l, n)| vec![Cell::Text((*l).into()), Cell::Number(*n as f64)])
            .collect::<Vec<_>>(),
    )
    .map_err(sheet)?;
    let with_total = |rows: &[Count]| {
        rows.iter()
            .chain(std::iter::once(&r.total))
            .map(Count::cells)
            .collect::<Vec<_>>()
    };
    book.add(
        "按系列",
        "各系列申报与通过率",
        &counted,
        &with_total(&r.by_series),
    )
    .map_err(sheet)?;
    book.add(
        "按级别",
        "各级别申报与通过率",
        &counted,
        &with_total(&r.by_level),
    )
    .map_err(sheet)?;
    book.add(
        "按单位",
        "各单位申报与通过率",
        &counted,
        &units.iter().map(Count::cells).collect::<Vec<_>>(),
    )
    .map_err(sheet)?;
    book.add(
        "按月份",
        "每月报送数",
        &["月份", "报送数"],
        &r.by_month
            .iter()
            .map(|(m, n)| vec![Cell::Text(format!("{m}月")), Cell::Number(*n as f64)])
            .collect::<Vec<_>>(),
    )
    .map_err(sheet)?;
    book.add(
        "办理用时",
        "各环节办理用时（工作日，中位数）",
        &["环节", "已办结次数", "用时中位数(工作日)"],
        &r.desks
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(d.label.into()),
                    Cell::Number(d.stays as f64),
                    d.median_days.map_or(Cell::Empty, Cell::Number),
                ]
            })
            .collect::<Vec<_>>(),
    )
    .map_err(sheet)?;
    let bytes = book.into_bytes().map_err(sheet)?;
    let object = format!("statistics:{office_id}:{}", filter.year);
    let detail = kind.to_string();
    let mut tx = db.begin_write().await?;
    zc_db::audit::record_in(&mut tx, &actor.event("statistics.export", &object, &detail)).await?;
    tx.commit().await?;
    Ok(bytes)
}

/// The years a report may cover: from two years back to next year.
pub fn years_around(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    today.year() - 2..=today.year() + 1
}
