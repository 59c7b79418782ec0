//! Logging: readable lines by default, JSON when configured; `RUST_LOG` wins over the
//! configured level. Times are UTC (RFC 3339 with `Z`) in both forms, so that lines from
//! several servers sort together whatever their time zone.

use tracing_subscriber::{EnvFilter, fmt, fmt::MakeWriter, util::SubscriberInitExt};

use crate::Config;

/// Installs the global subscriber (once; later calls are ignored, which suits tests).
pub fn init(config: &Config) {
    // `try_init` also forwards the `log` records of crates that use it.
    let _ = subscriber(config, std::io::stdout).try_init();
}

/// The subscriber `init` installs, writing to `writer`.
fn subscriber<W>(config: &Config, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log_level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    if config.log_format == "json" {
        Box::new(builder.json().flatten_event(true).finish())
    } else {
        Box::new(builder.finish())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A writer that keeps what is logged.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Kept {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Kept {
        type Writer = Kept;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn json_lines_carry_utc_times() {
        let kept = Kept::default();
        let config = Config {
            log_format: "json".into(),
            log_level: "info".into(),
            ..Config::default()
        };
        tracing::subscriber::with_default(subscriber(&config, kept.clone()), || {
            tracing::info!(request_id = "r-1", "报送成功");
        });
        let text = String::from_utf8(kept.0.lock().expect("not poisoned").clone()).expect("utf-8");
        let line: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
        let at = line["timestamp"].as_str().expect("a timestamp");
        assert!(at.ends_with('Z'), "{at}");
        let parsed = chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339");
        assert_eq!(parsed.offset().local_minus_utc(), 0);
        assert!((chrono::Utc::now() - parsed.to_utc()).num_seconds().abs() < 60);
        assert_eq!(line["message"], "报送成功");
        assert_eq!(line["request_id"], "r-1");
    }
}
