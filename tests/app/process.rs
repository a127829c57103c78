//! The real binary as an operator runs it: stopping under load, and mail after a crash.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A small SMTP server that takes its time: it waits `delay` after each message's final dot
/// before answering 250. Every message is kept (with its Message-ID) as soon as the dot
/// arrives, as a real mail server that queues before it answers would.
#[derive(Clone)]
pub struct SlowSmtp {
    pub port: u16,
    pub delay_ms: Arc<AtomicU64>,
    /// Message-IDs in the order the messages arrived.
    pub received: Arc<Mutex<Vec<String>>>,
    /// Messages whose data is being received or answered now.
    pub in_progress: Arc<AtomicUsize>,
}

impl SlowSmtp {
    pub fn start(delay: Duration) -> SlowSmtp {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = SlowSmtp {
            port: listener.local_addr().unwrap().port(),
            delay_ms: Arc::new(AtomicU64::new(delay.as_millis() as u64)),
            received: Arc::default(),
            in_progress: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = s.session(stream);
                });
            }
        });
        server
    }

    fn session(&self, stream: std::net::TcpStream) -> std::io::Result<()> {
        let mut out = stream.try_clone()?;
        let mut lines = BufReader::new(stream);
        out.write_all(b"220 slow.test ESMTP\r\n")?;
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("DATA") {
                out.write_all(b"354 go ahead\r\n")?;
                self.in_progress.fetch_add(1, Ordering::SeqCst);
                let mut message_id = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        self.in_progress.fetch_sub(1, Ordering::SeqCst);
                        return Ok(());
                    }
                    if line.to_ascii_lowercase().starts_with("message-id:") {
                        message_id = line["message-id:".len()..].trim().to_string();
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                self.received.lock().unwrap().push(message_id);
                std::thread::sleep(Duration::from_millis(self.delay_ms.load(Ordering::SeqCst)));
                self.in_progress.fetch_sub(1, Ordering::SeqCst);
                out.write_all(b"250 queued\r\n")?;
            } else if command.starts_with("QUIT") {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            } else {
                out.write_all(b"250 ok\r\n")?;
            }
        }
    }

    /// The environment that points the server's mail at this SMTP server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("KEHITTAMO__MAIL__BACKEND", "smtp".into()),
            ("KEHITTAMO__MAIL__SMTP__HOST", "127.0.0.1".into()),
            ("KEHITTAMO__MAIL__SMTP__PORT", self.port.to_string()),
            ("KEHITTAMO__MAIL__SMTP__TLS", "none".into()),
            ("KEHITTAMO__MAIL__POLL_INTERVAL_MS", "100".into()),
        ]
    }

    /// Waits until `check` holds, or panics after `within`.
    pub fn wait_until(&self, within: Duration, what: &str, check: impl Fn(&SlowSmtp) -> bool) {
        let started = Instant::now();
        while !check(self) {
            assert!(started.elapsed() < within, "{what}: not within {within:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Queues an invitation mail for each address with the command line (before any server runs).
fn invite(dir: &std::path::Path, addresses: &[String]) {
    for email in addresses {
        let out = Command::new(env!("CARGO_BIN_EXE_kehittamo"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("KEHITTAMO__DATABASE__URL", dir.join("k.sqlite3"))
            .env("KEHITTAMO__MAIL__BACKEND", "memory")
            .env("KEHITTAMO__LOG__FILTER", "warn")
            .env_remove("KEHITTAMO_ENV")
            .args(["admin", "create-user", "--email", email, "--name", "Kutsuttu Henkilö"])
            .args(["--organisation", "Testikuntayhtymä"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A free port on this machine.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `kehittamo serve` on `port` over a fresh SQLite file in `dir`, with extra environment.
pub fn serve(dir: &std::path::Path, port: u16, env: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kehittamo"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("KEHITTAMO__DATABASE__URL", dir.join("k.sqlite3"))
        .env("KEHITTAMO__MAIL__BACKEND", "memory")
        .env("KEHITTAMO__LOG__FILTER", "warn")
        .env("KEHITTAMO__SERVER__PORT", port.to_string())
        .env_remove("KEHITTAMO_ENV")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .arg("serve");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while ureq::get(&format!("http://127.0.0.1:{port}/healthz")).call().is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Sends a signal to the child (`TERM`, `KILL`).
pub fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name}");
}

#[test]
fn sigterm_under_load_finishes_in_flight_requests_and_exits_zero_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // The outbox is in the middle of a slow SMTP exchange when the signal comes.
    let smtp = SlowSmtp::start(Duration::from_secs(60));
    invite(dir.path(), &["hidas@example.fi".to_string()]);
    let mut env = smtp.env();
    env.push(("KEHITTAMO__SERVER__SHUTDOWN_SECONDS", "10".into()));
    let mut child = serve(dir.path(), port, &env);
    smtp.wait_until(Duration::from_secs(10), "the mail is being sent", |s| {
        s.in_progress.load(Ordering::SeqCst) > 0
    });
    let stop = AtomicBool::new(false);
    let (answered, failed_5xx, closing) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let exit = std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                // Keep-alive clients, as a load balancer or wrk holds them.
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                while !stop.load(Ordering::SeqCst) {
                    match agent.get(&format!("http://127.0.0.1:{port}/healthz")).call() {
                        Ok(res) => {
                            answered.fetch_add(1, Ordering::SeqCst);
                            if res.status().as_u16() >= 500 {
                                failed_5xx.fetch_add(1, Ordering::SeqCst);
                            }
                            if res.headers().get("connection").is_some_and(|v| v == "close") {
                                closing.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        // Refused once the listener has closed: the client goes elsewhere.
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        // A sign-in (Argon2, the slowest request) in flight when the signal comes.
        let in_flight = s.spawn(|| {
            let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
            agent
                .post(&format!("http://127.0.0.1:{port}/api/v1/auth/token"))
                .header("Content-Type", "application/json")
                .send(r#"{"email": "hidas@example.fi", "password": "not the password"}"#)
                .map(|r| r.status().as_u16())
        });
        std::thread::sleep(Duration::from_millis(500));
        let before = answered.load(Ordering::SeqCst);
        let sent = Instant::now();
        signal(&child, "TERM");
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(12),
                "still running 12 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let took = sent.elapsed();
        stop.store(true, Ordering::SeqCst);
        assert!(before > 50, "the load ran ({before} answers)");
        let finished = in_flight.join().unwrap();
        assert!(
            matches!(finished, Ok(401)),
            "the sign-in in flight was answered: {finished:?}"
        );
        (status, took)
    });
    let (status, took) = exit;
    assert!(status.success(), "exit status {status:?}");
    assert!(
        took < Duration::from_secs(3),
        "keep-alive clients did not hold the process until the timeout: {took:?}"
    );
    assert_eq!(failed_5xx.load(Ordering::SeqCst), 0);
    eprintln!("answers with Connection: close: {}", closing.load(Ordering::SeqCst));
}

#[test]
fn mail_a_killed_server_held_goes_out_within_30_seconds_at_most_once_more() {
    let dir = tempfile::tempdir().unwrap();
    let addresses: Vec<String> = (0..5).map(|i| format!("kutsu{i}@example.fi")).collect();
    invite(dir.path(), &addresses);
    let smtp = SlowSmtp::start(Duration::from_secs(3));
    let port = free_port();
    let mut child = serve(dir.path(), port, &smtp.env());
    smtp.wait_until(Duration::from_secs(10), "the first mail is being sent", |s| {
        s.in_progress.load(Ordering::SeqCst) > 0
    });
    signal(&child, "KILL");
    let _ = child.wait();
    smtp.delay_ms.store(0, Ordering::SeqCst);
    let restarted = Instant::now();
    let mut child = serve(dir.path(), port, &smtp.env());
    // Every mail is recorded as sent, the one the killed server held included.
    let unsent = || {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let path = dir.path().join("k.sqlite3");
        let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        diesel::sql_query("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL")
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
    };
    smtp.wait_until(Duration::from_secs(35), "every invitation delivered", |_| unsent() == 0);
    let took = restarted.elapsed();
    signal(&child, "TERM");
    let _ = child.wait();
    let received = smtp.received.lock().unwrap().clone();
    assert!(
        received.iter().all(|id| id.starts_with('<') && id.ends_with('>')),
        "{received:?}"
    );
    let distinct: std::collections::BTreeSet<&String> = received.iter().collect();
    let twice = received.len() - distinct.len();
    eprintln!(
        "after kill -9: {} mails, {} sent twice (same Message-ID), all out {:.1} s after the restart",
        distinct.len(),
        twice,
        took.as_secs_f64()
    );
    assert!(twice <= 1, "only the mail in flight may go twice: {received:?}");
    assert!(took < Duration::from_secs(31), "took {took:?}");
}
