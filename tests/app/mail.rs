use crate::helpers::*;
use kehittamo::config::{MailBackend, SmtpTls};
use kehittamo::domain::mail::outbox_entries;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A minimal SMTP server that accepts every message and keeps its DATA.
fn fake_smtp(listener: TcpListener, received: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 fake ESMTP\r\n");
            let mut line = String::new();
            let mut in_data = false;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if in_data {
                    if line == ".\r\n" {
                        in_data = false;
                        received.lock().unwrap().push(std::mem::take(&mut data));
                        let _ = stream.write_all(b"250 queued\r\n");
                    } else {
                        data.push_str(&line);
                    }
                    continue;
                }
                let command = line.to_ascii_uppercase();
                let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 fake\r\n"
                } else if command.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if command.starts_with("QUIT") {
                    let _ = stream.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 ok\r\n"
                };
                let _ = stream.write_all(reply);
            }
        }
    });
}

#[test]
fn outbox_retries_after_an_smtp_failure_and_loses_nothing() {
    // Reserve a port, then close it: the mail server is "down" at first.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = TestApp::spawn_with(|s| {
        s.mail.backend = MailBackend::Smtp;
        s.mail.smtp.host = "127.0.0.1".into();
        s.mail.smtp.port = port;
        s.mail.smtp.tls = SmtpTls::None;
        s.mail.retry_base_seconds = 1;
    });
    kehittamo::demo::fill(&app.ctx, 0, false).unwrap();
    let mut b = app.browser();
    let res = b.post_form("/password/forgot", &[("email", EMPLOYEE)]);
    assert_eq!(res.status, 200, "the request does not wait on SMTP");

    let started = Instant::now();
    loop {
        let entries = outbox_entries(&app.ctx).unwrap();
        if entries.iter().any(|e| e.attempts >= 1 && e.last_error.is_some()) {
            assert!(!entries[0].sent && !entries[0].failed);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no failed attempt recorded: {entries:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let received = Arc::new(Mutex::new(Vec::new()));
    fake_smtp(TcpListener::bind(("127.0.0.1", port)).unwrap(), received.clone());
    let started = Instant::now();
    loop {
        let entries = outbox_entries(&app.ctx).unwrap();
        if entries.iter().all(|e| e.sent) {
            assert!(entries[0].attempts >= 2, "{entries:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "not delivered after the server came up: {entries:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let messages = received.lock().unwrap();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("/password/reset?token="), "{}", messages[0]);
}

#[test]
fn file_mailer_writes_eml_files() {
    let app = TestApp::spawn_with(|s| s.mail.backend = MailBackend::File);
    kehittamo::demo::fill(&app.ctx, 0, false).unwrap();
    let mut b = app.browser();
    b.post_form("/password/forgot", &[("email", CUSTOMER)]);
    let dir = app.ctx.settings.mail.file_dir.clone();
    let started = Instant::now();
    loop {
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.flatten().collect())
            .unwrap_or_default();
        if let Some(f) = files.iter().find(|f| f.path().extension().is_some_and(|e| e == "eml")) {
            let text = std::fs::read_to_string(f.path()).unwrap();
            assert!(text.contains(CUSTOMER));
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no .eml written");
        std::thread::sleep(Duration::from_millis(50));
    }
}
