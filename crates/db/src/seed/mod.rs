//! Seed data for a demo province: catalogue, regions, offices, committees, units,
//! the working-day calendar and notices. Everything lands in one transaction, and only
//! into an empty database, so running it twice changes nothing.

pub mod calendar;
pub mod catalogue;
pub mod notices;
pub mod organisations;
pub mod regions;

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// The region tag of Guangxi-only calendar rows.
pub const GUANGXI: &str = "广西";

/// What a seeding run inserted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub series: usize,
    pub regions: usize,
    pub offices: usize,
    pub committees: usize,
    pub units: usize,
    pub calendar_days: usize,
}

/// True when reference data is already present.
pub async fn is_seeded(db: &Db) -> DbResult<bool> {
    let n: i64 = with_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM series")
        .fetch_one(p).await)?;
    Ok(n > 0)
}

/// Inserts the demo reference data unless the database already has some.
pub async fn seed_reference_data(db: &Db) -> DbResult<Option<SeedReport>> {
    if is_seeded(db).await? {
        return Ok(None);
    }
    let mut tx = db.begin_write().await?;
    let mut report = SeedReport::default();
    let series_ids = seed_catalogue(&mut tx, &mut report).await?;
    seed_regions(&mut tx, &mut report).await?;
    let office_ids = seed_offices(&mut tx, &mut report).await?;
    seed_committees(&mut tx, &series_ids, &office_ids, &mut report).await?;
    seed_units(&mut tx, &office_ids, &mut report).await?;
    seed_calendar(&mut tx, &mut report).await?;
    seed_notices(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(report))
}

async fn insert_id(tx: &mut Tx, sql: &'static str, binds: &[&str]) -> DbResult<i64> {
    let id = with_tx!(tx, c => {
        let mut q = sqlx::query_scalar(sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_one(&mut **c).await
    })?;
    Ok(id)
}

async fn seed_catalogue(
    tx: &mut Tx,
    report: &mut SeedReport,
) -> DbResult<HashMap<&'static str, i64>> {
    let mut ids = HashMap::new();
    for (order, s) in catalogue::SERIES.iter().enumerate() {
        let id: i64 = with_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO series (code, name, sort_order, active) VALUES ($1, $2, $3, TRUE) RETURNING id")
            .bind(s.code).bind(s.name).bind(order as i32).fetch_one(&mut **c).await)?;
        for (rank, title) in s.titles {
            with_tx!(tx, c => sqlx::query(
                "INSERT INTO series_title (series_id, level_rank, title_name) VALUES ($1, $2, $3)")
                .bind(id).bind(*rank).bind(*title).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        }
        for (i, name) in s.specialties.iter().enumerate() {
            with_tx!(tx, c => sqlx::query(
                "INSERT INTO specialty (series_id, name, sort_order) VALUES ($1, $2, $3)")
                .bind(id).bind(*name).bind(i as i32).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        }
        ids.insert(s.code, id);
        report.series += 1;
    }
    Ok(ids)
}

async fn insert_region(
    tx: &mut Tx,
    code: &str,
    name: &str,
    parent: Option<&str>,
    depth: i32,
) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query(
        "INSERT INTO region (code, name, parent_code, depth) VALUES ($1, $2, $3, $4)")
        .bind(code).bind(name).bind(parent).bind(depth).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

async fn seed_regions(tx: &mut Tx, report: &mut SeedReport) -> DbResult<()> {
    let (pcode, pname) = regions::PROVINCE;
    insert_region(tx, pcode, pname, None, 0).await?;
    for (code, name, counties) in regions::CITIES {
        insert_region(tx, code, name, Some(pcode), 1).await?;
        for (ccode, cname) in *counties {
            insert_region(tx, ccode, cname, Some(code), 2).await?;
        }
        report.regions += 1 + counties.len();
    }
    Ok(())
}

const INSERT_OFFICE: &str =
    "INSERT INTO office (name, kind, region_code, parent_id) VALUES ($1, $2, $3, $4) RETURNING id";

async fn seed_offices(tx: &mut Tx, report: &mut SeedReport) -> DbResult<HashMap<String, i64>> {
    use organisations::{DEPARTMENTS, FLOATING_OFFICE, ROOT_OFFICE, kind};
    let mut ids = HashMap::new();
    let root = insert_id(
        tx,
        "INSERT INTO office (name, kind, region_code) VALUES ($1, $2, $3) RETURNING id",
        &[ROOT_OFFICE, kind::REGION_OFFICE, regions::PROVINCE.0],
    )
    .await?;
    ids.insert(ROOT_OFFICE.to_string(), root);
    let mut children: Vec<(String, &str, &str)> = vec![(
        FLOATING_OFFICE.to_string(),
        kind::FLOATING_OFFICE,
        regions::PROVINCE.0,
    )];
    for (code, city, _) in regions::CITIES {
        children.push((
            format!("{city}职称改革工作领导小组办公室"),
            kind::CITY_OFFICE,
            code,
        ));
    }
    for d in DEPARTMENTS {
        children.push((d.to_string(), kind::DEPARTMENT, regions::PROVINCE.0));
    }
    for (name, k, region) in children {
        let id: i64 = with_tx!(tx, c => sqlx::query_scalar(INSERT_OFFICE).bind(&name).bind(k)
            .bind(region).bind(root).fetch_one(&mut **c).await)?;
        ids.insert(name, id);
    }
    report.offices = ids.len();
    Ok(ids)
}

async fn seed_committees(
    tx: &mut Tx,
    series: &HashMap<&'static str, i64>,
    offices: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> DbResult<()> {
    for c in organisations::COMMITTEES {
        let (office, series_id) = (offices[c.office], series[c.series]);
        with_tx!(tx, conn => sqlx::query(
            "INSERT INTO committee (name, office_id, series_id, level_min, level_max, charges_online) \
             VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(c.name).bind(office).bind(series_id).bind(c.level_min).bind(c.level_max)
            .bind(c.charges_online).execute(&mut **conn).await.map(|r| r.rows_affected()))?;
        report.committees += 1;
    }
    Ok(())
}

async fn seed_units(
    tx: &mut Tx,
    offices: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> DbResult<()> {
    for u in organisations::UNITS {
        with_tx!(tx, c => sqlx::query(
            "INSERT INTO unit (name, credit_code, kind, region_code, office_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'approved', $6)")
            .bind(u.name).bind(u.credit_code).bind(u.kind).bind(u.region).bind(offices[u.office])
            .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        report.units += 1;
    }
    Ok(())
}

async fn insert_day(
    tx: &mut Tx,
    day: NaiveDate,
    kind: &str,
    name: &str,
    region: &str,
) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query(
        "INSERT INTO calendar_day (day, kind, name, region) VALUES ($1, $2, $3, $4)")
        .bind(day).bind(kind).bind(name).bind(region).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("seed dates are ISO dates")
}

async fn seed_calendar(tx: &mut Tx, report: &mut SeedReport) -> DbResult<()> {
    for (start, days, name) in calendar::HOLIDAYS {
        for i in 0..*days {
            let day = date(start)
                .checked_add_days(Days::new(i as u64))
                .expect("valid date");
            insert_day(tx, day, "holiday", name, "全国").await?;
            report.calendar_days += 1;
        }
    }
    for (day, name) in calendar::MAKEUP_WORKDAYS {
        insert_day(tx, date(day), "makeup_workday", name, "全国").await?;
        report.calendar_days += 1;
    }
    for day in calendar::SANYUESAN {
        insert_day(tx, date(day), "holiday", "壮族三月三", GUANGXI).await?;
        report.calendar_days += 1;
    }
    Ok(())
}

async fn seed_notices(tx: &mut Tx) -> DbResult<()> {
    for (title, body, days_ago) in notices::NOTICES {
        let at = tx.clock.now() - chrono::Duration::days(*days_ago);
        with_tx!(tx, c => sqlx::query(
            "INSERT INTO notice (title, body, published_at) VALUES ($1, $2, $3)")
            .bind(*title).bind(*body).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
