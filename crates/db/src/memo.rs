//! What every signed-in page reads, kept in this server's memory: the session record,
//! the person's unread-message count, and what an applicant's home page reads.
//!
//! Every signed-in request used to read both from the database, which was most of a
//! dashboard's cost. Memory is only safe if a change made anywhere is forgotten here at
//! once, so every write that could change a remembered value names it as a [`Forget`]:
//! this server forgets it when the write commits, and on PostgreSQL the write also sends
//! it to every other server with `pg_notify` inside the same transaction, delivered when
//! it commits. Each server listens ([`follow_forgets`]); while its listening connection is
//! down it remembers nothing, and when the connection comes back it starts empty, because
//! what was sent in between is lost.
//!
//! Two more guards: a read from the database is kept only if nothing was forgotten while
//! it ran (the [`Ticket`]), so a value read just before a commit cannot outlive the
//! commit's forget; and nothing is kept longer than [`KEEP_FOR`], which bounds what a
//! process that does not listen (a command-line tool on the same SQLite file) can leave
//! stale.

use std::{
    any::Any,
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use tower_sessions::session::Record;

use crate::{Db, DbResult};

/// The PostgreSQL channel that carries forgets between servers.
pub const CHANNEL: &str = "zc_forget";

/// The longest anything is remembered, whatever else happens.
pub const KEEP_FOR: Duration = Duration::from_secs(60);

/// Above this many sessions the memory starts again empty rather than grow without bound.
const MOST_SESSIONS: usize = 100_000;

/// Homes are larger than sessions (a few hundred bytes to a few KB each); above this many,
/// the stale ones are swept before anything new is kept.
const MOST_HOMES: usize = 20_000;

/// Something remembered that a write has changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forget {
    /// One session (saved, ended).
    Session(String),
    /// Every session of an account (password reset, disabling, sign-out everywhere).
    SessionsOf(i64),
    /// An account's unread-message count (a message arrived, messages were read).
    Unread(i64),
    /// 首页 — what an applicant's home page reads about them: their applications, the
    /// deadlines, returns and open orders of those, their unit, their expert membership.
    Home(i64),
    /// Every applicant's home (a plan's window, or a unit's, series' or committee's name
    /// changed: rare staff writes that reach many people).
    Homes,
    /// Everything (the listening connection was lost and came back).
    All,
}

impl Forget {
    /// The notification payload.
    pub fn payload(&self) -> String {
        match self {
            Forget::Session(id) => format!("s:{id}"),
            Forget::SessionsOf(account) => format!("a:{account}"),
            Forget::Unread(account) => format!("u:{account}"),
            Forget::Home(account) => format!("h:{account}"),
            Forget::Homes => "h*".into(),
            Forget::All => "*".into(),
        }
    }

    /// Reads a payload; anything unknown means forget everything, the safe reading.
    pub fn parse(payload: &str) -> Forget {
        let number = |s: &str| s.parse::<i64>().ok();
        match payload.split_once(':') {
            Some(("s", id)) => Forget::Session(id.to_string()),
            Some(("a", n)) => number(n).map_or(Forget::All, Forget::SessionsOf),
            Some(("u", n)) => number(n).map_or(Forget::All, Forget::Unread),
            Some(("h", n)) => number(n).map_or(Forget::All, Forget::Home),
            None if payload == "h*" => Forget::Homes,
            _ => Forget::All,
        }
    }
}

/// Taken before a database read; the value read may be kept only if it is still valid.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

#[derive(Default)]
struct Kept {
    sessions: HashMap<String, (Record, Instant)>,
    unread: HashMap<i64, (i64, Instant)>,
    /// Of any type, so this crate need not know what a home page shows.
    homes: HashMap<i64, (Arc<dyn Any + Send + Sync>, Instant)>,
}

/// One server's memory; shared by every clone of its [`Db`].
pub struct Memo {
    kept: Mutex<Kept>,
    /// Moves on every forget, under the lock.
    generation: AtomicU64,
    /// False while forgets from other servers could be missed.
    listening: AtomicBool,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("listening", &self.listening.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Memo {
    /// A memory that trusts itself from the start (`listening`) or only once
    /// [`follow_forgets`] has connected.
    pub fn new(listening: bool) -> Self {
        Self {
            kept: Mutex::new(Kept::default()),
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(listening),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Kept> {
        // A panic while holding the lock leaves plain maps behind; they are still usable.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Taken before reading what may be kept; `None` while nothing may be kept.
    pub fn ticket(&self) -> Option<Ticket> {
        self.listening
            .load(Ordering::Acquire)
            .then(|| Ticket(self.generation.load(Ordering::Acquire)))
    }

    /// A remembered session, if fresh and not past its expiry.
    pub fn session(&self, id: &str) -> Option<Record> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let kept = self.lock();
        let (record, at) = kept.sessions.get(id)?;
        (at.elapsed() < KEEP_FOR && record.expiry_date > time::OffsetDateTime::now_utc())
            .then(|| record.clone())
    }

    /// Keeps a session read from the database under `ticket`.
    pub fn keep_session(&self, ticket: Ticket, record: &Record) {
        let mut kept = self.lock();
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        if kept.sessions.len() >= MOST_SESSIONS {
            kept.sessions.clear();
        }
        kept.sessions
            .insert(record.id.to_string(), (record.clone(), Instant::now()));
    }

    /// A remembered unread count.
    pub fn unread(&self, account: i64) -> Option<i64> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let kept = self.lock();
        let (n, at) = kept.unread.get(&account)?;
        (at.elapsed() < KEEP_FOR).then_some(*n)
    }

    /// Keeps an unread count read from the database under `ticket`.
    pub fn keep_unread(&self, ticket: Ticket, account: i64, n: i64) {
        let mut kept = self.lock();
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        if kept.unread.len() >= MOST_SESSIONS {
            kept.unread.clear();
        }
        kept.unread.insert(account, (n, Instant::now()));
    }

    /// What an applicant's home read, if it was kept as a `T`.
    pub fn home<T: Any + Send + Sync>(&self, account: i64) -> Option<Arc<T>> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let kept = self.lock();
        let (home, at) = kept.homes.get(&account)?;
        if at.elapsed() >= KEEP_FOR {
            return None;
        }
        Arc::clone(home).downcast::<T>().ok()
    }

    /// Whether this server holds an applicant's home in memory now (for tests and gauges).
    pub fn holds_home(&self, account: i64) -> bool {
        let kept = self.lock();
        kept.homes
            .get(&account)
            .is_some_and(|(_, at)| at.elapsed() < KEEP_FOR)
    }

    /// Keeps what an applicant's home read from the database under `ticket`.
    pub fn keep_home<T: Any + Send + Sync>(&self, ticket: Ticket, account: i64, home: Arc<T>) {
        let mut kept = self.lock();
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        if kept.homes.len() >= MOST_HOMES {
            // A home unvisited for KEEP_FOR is served by no one; keep the rest unless even
            // they are too many.
            kept.homes.retain(|_, (_, at)| at.elapsed() < KEEP_FOR);
            if kept.homes.len() >= MOST_HOMES {
                kept.homes.clear();
            }
        }
        kept.homes.insert(account, (home, Instant::now()));
    }

    /// Forgets what `what` names, and makes every ticket taken before this one void.
    pub fn forget(&self, what: &Forget) {
        let mut kept = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        match what {
            Forget::Session(id) => {
                kept.sessions.remove(id);
            }
            Forget::SessionsOf(account) => kept.sessions.retain(|_, (record, _)| {
                record.data.get(crate::session_store::ACCOUNT_ID_KEY)
                    != Some(&serde_json::json!(account))
            }),
            Forget::Unread(account) => {
                kept.unread.remove(account);
            }
            Forget::Home(account) => {
                kept.homes.remove(account);
            }
            Forget::Homes => kept.homes.clear(),
            Forget::All => *kept = Kept::default(),
        }
    }

    /// Whether forgets from other servers reach this one; while not, nothing is kept.
    pub fn set_listening(&self, listening: bool) {
        self.forget(&Forget::All);
        self.listening.store(listening, Ordering::Release);
        // A read that began while not listening must not be kept after.
        self.forget(&Forget::All);
    }

    /// Whether this server may serve from memory now.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

impl Db {
    /// Tells this server and, on PostgreSQL, every other server that `what` changed, for a
    /// write made outside a transaction (it has already happened).
    pub async fn announce(&self, what: Forget) -> DbResult<()> {
        self.memo().forget(&what);
        if let Db::Postgres(p, ..) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(what.payload())
                .execute(p)
                .await?;
        }
        Ok(())
    }
}

/// Listens for other servers' forgets until `stop` changes; on SQLite there are none and
/// it returns at once. Memory is trusted only while the listening connection is up.
pub async fn follow_forgets(db: Db, mut stop: tokio::sync::watch::Receiver<bool>) {
    let Db::Postgres(pool, ..) = &db else {
        return;
    };
    let memo = db.memo();
    loop {
        // A connection of its own, outside the pool: the listener holds it for as long as
        // the server runs, and the pool's size is what requests were promised.
        let own = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with((*pool.connect_options()).clone());
        let connected = async {
            let mut listener = sqlx::postgres::PgListener::connect_with(&own).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            _ = stop.changed() => return,
            c = connected => match c {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for forgets; serving from the database");
                    tokio::select! {
                        _ = stop.changed() => return,
                        _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    }
                }
            },
        };
        memo.set_listening(true);
        loop {
            let next = tokio::select! {
                _ = stop.changed() => return,
                n = listener.try_recv() => n,
            };
            match next {
                Ok(Some(n)) => memo.forget(&Forget::parse(n.payload())),
                // The connection dropped and was opened again: what came in between is lost.
                Ok(None) => memo.forget(&Forget::All),
                Err(e) => {
                    tracing::warn!(error = %e, "lost the forget listener; serving from the database");
                    memo.set_listening(false);
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(account: i64) -> Record {
        let mut data = HashMap::new();
        data.insert(
            crate::session_store::ACCOUNT_ID_KEY.to_string(),
            serde_json::json!(account),
        );
        Record {
            id: tower_sessions::session::Id::default(),
            data,
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(30),
        }
    }

    #[test]
    fn payloads_read_back_and_unknown_ones_forget_everything() {
        for f in [
            Forget::Session("abc".into()),
            Forget::SessionsOf(7),
            Forget::Unread(9),
            Forget::Home(11),
            Forget::Homes,
            Forget::All,
        ] {
            assert_eq!(Forget::parse(&f.payload()), f);
        }
        assert_eq!(Forget::parse("u:x"), Forget::All);
        assert_eq!(Forget::parse("zz"), Forget::All);
        assert_eq!(Forget::parse("h:"), Forget::All);
    }

    #[test]
    fn fresh_homes_beyond_the_bound_start_the_memory_again() {
        let memo = Memo::new(true);
        for account in 0..MOST_HOMES as i64 {
            let t = memo.ticket().expect("listening");
            memo.keep_home(t, account, Arc::new(()));
        }
        // All fresh: the bound is reached, so the memory starts again with the new one.
        let t = memo.ticket().expect("listening");
        memo.keep_home(t, -1, Arc::new(()));
        assert!(memo.holds_home(-1));
        assert!(!memo.holds_home(0));
        assert_eq!(memo.lock().homes.len(), 1);
    }

    #[test]
    fn a_home_is_forgotten_alone_or_with_every_other_home() {
        let memo = Memo::new(true);
        for account in [1, 2, 3] {
            let t = memo.ticket().expect("listening");
            memo.keep_home(t, account, Arc::new(format!("home {account}")));
        }
        assert_eq!(
            memo.home::<String>(2).as_deref().map(String::as_str),
            Some("home 2")
        );
        // Asked for as another type, it is not there rather than wrong.
        assert!(memo.home::<i64>(2).is_none());
        memo.forget(&Forget::Home(2));
        assert!(memo.home::<String>(2).is_none());
        assert!(memo.home::<String>(1).is_some());
        memo.forget(&Forget::Unread(1));
        assert!(
            memo.home::<String>(1).is_some(),
            "another kind of forget leaves homes"
        );
        memo.forget(&Forget::Homes);
        assert!(memo.home::<String>(1).is_none() && memo.home::<String>(3).is_none());
    }

    #[test]
    fn a_read_overtaken_by_a_forget_is_not_kept() {
        let memo = Memo::new(true);
        let r = record(1);
        let ticket = memo.ticket().expect("listening");
        memo.forget(&Forget::Session(r.id.to_string()));
        memo.keep_session(ticket, &r);
        assert!(memo.session(&r.id.to_string()).is_none());

        let ticket = memo.ticket().expect("listening");
        memo.keep_session(ticket, &r);
        assert!(memo.session(&r.id.to_string()).is_some());
    }

    #[test]
    fn ending_an_accounts_sessions_forgets_only_those() {
        let memo = Memo::new(true);
        let (mine, theirs) = (record(1), record(2));
        for r in [&mine, &theirs] {
            let t = memo.ticket().expect("listening");
            memo.keep_session(t, r);
        }
        memo.forget(&Forget::SessionsOf(1));
        assert!(memo.session(&mine.id.to_string()).is_none());
        assert!(memo.session(&theirs.id.to_string()).is_some());
    }

    #[test]
    fn nothing_is_kept_or_served_while_not_listening() {
        let memo = Memo::new(false);
        assert!(memo.ticket().is_none());
        memo.set_listening(true);
        let t = memo.ticket().expect("listening");
        memo.keep_unread(t, 5, 3);
        assert_eq!(memo.unread(5), Some(3));
        memo.set_listening(false);
        assert_eq!(memo.unread(5), None);
    }

    #[test]
    fn an_expired_session_is_not_served() {
        let memo = Memo::new(true);
        let mut r = record(1);
        r.expiry_date = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
        let t = memo.ticket().expect("listening");
        memo.keep_session(t, &r);
        assert!(memo.session(&r.id.to_string()).is_none());
    }
}
