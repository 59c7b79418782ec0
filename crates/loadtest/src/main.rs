//! zhicheng's deadline-day load harness, on goose. Three kinds of people act as they do
//! on the platform: applicants (create, fill, upload, submit, withdraw), reviewers
//! (queues with filters, 下一页, dossiers) and the public (home, 证书查询, 公示).
//!
//! Run by `scripts/bench_surge.sh`, which seeds the database, starts the server and reads
//! the report. Settings come from the environment; goose's own options (`--host`,
//! `--users`, `--run-time`, `--throttle-requests`, `--report-file` …) from the command line.
//!
//! - `LOADTEST_PASSWORD`: the password of the seeded applicants and the demo staff;
//! - `LOADTEST_FIRST`: the number of the first seeded applicant (`seed-applicants --first`);
//! - `LOADTEST_STAFF`: reviewers as `login:TOTP-secret:queue-tab`, comma-separated, e.g.
//!   `zhigaiban:SECRET:/office/applications?status=office_pending`;
//! - `LOADTEST_ACKS`: a file that receives one line per acknowledged submission or withdrawal;
//! - `LOADTEST_PAUSE_MS`: the pause between a person's steps, `min-max` (default 500-3000);
//! - `LOADTEST_STRAIGHT=1`: applicants only create, fill, upload and submit, back to back;
//! - `LOADTEST_WEIGHTS`: users given to applicants, the public and reviewers, `a:p:r`
//!   (default 4:15:1); keep reviewers at most the staff accounts given.

mod applicant;
mod browse;
mod public;
mod reviewer;

use std::{
    io::Write,
    sync::{
        Mutex, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use goose::prelude::*;

/// A reviewer account the harness signs in with.
#[derive(Debug, Clone)]
pub struct Staff {
    pub login: String,
    secret: String,
    /// The queue tab this reviewer works, e.g. `/office/applications?status=office_pending`.
    pub desk: String,
}

impl Staff {
    /// The code the account's authenticator shows now.
    pub fn code(&self) -> anyhow::Result<String> {
        let secret = totp_rs::Secret::try_from_base32(&self.secret)
            .map_err(|e| anyhow::anyhow!("TOTP secret of {}: {e}", self.login))?;
        let totp = totp_rs::Builder::new()
            .with_secret(secret)
            .with_account_name(self.login.clone())
            .build()
            .map_err(|e| anyhow::anyhow!("TOTP of {}: {e}", self.login))?;
        Ok(totp.generate_current().to_string())
    }
}

/// What every simulated person shares: who may sign in, the picture they upload, and
/// where acknowledgements are written.
pub struct Plan {
    pub password: String,
    next_applicant: AtomicU64,
    next_staff: AtomicU64,
    pub staff: Vec<Staff>,
    /// A phone photo as browsers send it, already scaled (900 × 1200 JPEG).
    pub picture: Vec<u8>,
    acks: Option<Mutex<std::fs::File>>,
    pub pause_min: Duration,
    pub pause_max: Duration,
}

static PLAN: OnceLock<Plan> = OnceLock::new();

/// The plan, set once in `main` before any scenario is built.
pub fn plan() -> &'static Plan {
    PLAN.get()
        .expect("the plan is set before the load test starts")
}

impl Plan {
    /// The next seeded applicant who has not signed in during this run.
    pub fn next_applicant(&self) -> u64 {
        self.next_applicant.fetch_add(1, Ordering::Relaxed)
    }

    /// The next staff account in turn.
    pub fn next_staff(&self) -> u64 {
        self.next_staff.fetch_add(1, Ordering::Relaxed)
    }

    /// Records what the server acknowledged (`submitted 123`), at once and unbuffered, so
    /// it survives whatever happens to the server next.
    pub fn acknowledge(&self, what: &str, dossier: i64) {
        if let Some(file) = &self.acks
            && let Ok(mut f) = file.lock()
        {
            let _ = writeln!(f, "{what} {dossier}");
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn staff_from(list: &str) -> anyhow::Result<Vec<Staff>> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let mut parts = s.trim().splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(login), Some(secret), Some(desk)) => Ok(Staff {
                    login: login.into(),
                    secret: secret.into(),
                    desk: desk.into(),
                }),
                _ => anyhow::bail!("LOADTEST_STAFF: expected login:secret:desk, got {s}"),
            }
        })
        .collect()
}

fn pauses(spec: &str) -> anyhow::Result<(Duration, Duration)> {
    let (a, b) = spec
        .split_once('-')
        .ok_or_else(|| anyhow::anyhow!("LOADTEST_PAUSE_MS: expected min-max"))?;
    Ok((
        Duration::from_millis(a.trim().parse()?),
        Duration::from_millis(b.trim().parse()?),
    ))
}

fn weights(spec: &str) -> anyhow::Result<[usize; 3]> {
    let parts: Vec<usize> = spec
        .split(':')
        .map(|w| w.trim().parse())
        .collect::<Result<_, _>>()?;
    parts
        .try_into()
        .map_err(|_| anyhow::anyhow!("LOADTEST_WEIGHTS: expected applicants:public:reviewers"))
}

fn picture() -> anyhow::Result<Vec<u8>> {
    let img = image::RgbImage::from_fn(900, 1200, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )?;
    Ok(out)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (pause_min, pause_max) = pauses(&var("LOADTEST_PAUSE_MS").unwrap_or("500-3000".into()))?;
    let acks = match var("LOADTEST_ACKS") {
        Some(path) => Some(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?,
        )),
        None => None,
    };
    let plan = Plan {
        password: var("LOADTEST_PASSWORD")
            .ok_or_else(|| anyhow::anyhow!("set LOADTEST_PASSWORD"))?,
        next_staff: AtomicU64::new(0),
        next_applicant: AtomicU64::new(var("LOADTEST_FIRST").map_or(Ok(5_000_000), |v| v.parse())?),
        staff: staff_from(&var("LOADTEST_STAFF").unwrap_or_default())?,
        picture: picture()?,
        acks,
        pause_min,
        pause_max,
    };
    let [applicants, public, mut reviewers] =
        weights(&var("LOADTEST_WEIGHTS").unwrap_or("4:15:1".into()))?;
    if plan.staff.is_empty() {
        reviewers = 0;
    }
    if PLAN.set(plan).is_err() {
        anyhow::bail!("the plan was set twice");
    }
    // A weight of 0 leaves that kind of person out (e.g. `64:0:0`, applicants only).
    let mut attack = GooseAttack::initialize()?;
    if applicants > 0 {
        let straight = var("LOADTEST_STRAIGHT").is_some_and(|v| v == "1");
        attack = attack.register_scenario(applicant::scenario(applicants, straight)?);
    }
    if public > 0 {
        attack = attack.register_scenario(public::scenario(public)?);
    }
    if reviewers > 0 {
        attack = attack.register_scenario(reviewer::scenario(reviewers)?);
    }
    attack.execute().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewers_and_pauses_are_read_from_the_environment_format() {
        let staff = staff_from("zhigaiban:YGWJUZCKG4LZ2M2XS4UMR7I4SE243LOL:/office/applications?status=office_pending, ").unwrap();
        assert_eq!(staff.len(), 1);
        assert_eq!(staff[0].desk, "/office/applications?status=office_pending");
        assert_eq!(staff[0].code().unwrap().len(), 6);
        assert!(staff_from("zhigaiban").is_err());
        assert_eq!(
            pauses("100-200").unwrap(),
            (Duration::from_millis(100), Duration::from_millis(200))
        );
        assert!(pauses("100").is_err());
        assert_eq!(weights("12:7:1").unwrap(), [12, 7, 1]);
        assert!(weights("12:7").is_err());
    }
}
