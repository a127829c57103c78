//! Mail transports (lettre): SMTP, .eml files for development, or memory for tests.

use crate::config::{MailBackend, MailSettings, SmtpTls};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A message the memory transport kept.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    /// The `List-Unsubscribe` link, for notification and digest mail.
    pub unsubscribe: Option<String>,
}

/// The `List-Unsubscribe` header (RFC 2369): `<https://…/unsubscribe?token=…>`.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl lettre::message::header::Header for ListUnsubscribePost {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// The longest one SMTP command may wait for an answer.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// A new Message-ID (`<random@sender's domain>`).
pub fn new_message_id(from: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let local: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("kehittamo.invalid");
    format!("<{local}@{domain}>")
}

/// The shared mailbox of the memory transport.
pub type MemoryMailbox = Arc<Mutex<Vec<SentMail>>>;

/// Sends composed mail with the configured backend.
#[derive(Clone)]
pub enum Mailer {
    Smtp(Box<SmtpTransport>, Mailbox),
    File(Arc<FileTransport>, Mailbox),
    Memory(MemoryMailbox, Mailbox),
}

/// Why a mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Send(String),
}

impl Mailer {
    /// The transport the settings ask for.
    pub fn from_settings(settings: &MailSettings) -> Result<Mailer, MailError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| MailError::Config(format!("mail.from: {e}")))?;
        Ok(match settings.backend {
            MailBackend::Memory => Mailer::Memory(Arc::default(), from),
            MailBackend::File => {
                let dir = &settings.file_dir;
                let refuse = |e: std::io::Error| {
                    MailError::Config(format!("mail.file_dir: {} cannot be written: {e}", dir.display()))
                };
                std::fs::create_dir_all(dir).map_err(refuse)?;
                // Mail written later must not fail for a folder that was never writable.
                let probe = dir.join(".kehittamo-write-test");
                std::fs::write(&probe, b"").map_err(refuse)?;
                let _ = std::fs::remove_file(&probe);
                Mailer::File(Arc::new(FileTransport::new(&settings.file_dir)), from)
            }
            MailBackend::Smtp => {
                let smtp = &settings.smtp;
                let mut builder = SmtpTransport::builder_dangerous(&smtp.host)
                    .port(smtp.port)
                    .timeout(Some(SMTP_TIMEOUT));
                let params = || {
                    TlsParameters::new(smtp.host.clone()).map_err(|e| MailError::Config(format!("mail.smtp.tls: {e}")))
                };
                builder = match smtp.tls {
                    SmtpTls::None => builder.tls(Tls::None),
                    SmtpTls::Starttls => builder.tls(Tls::Required(params()?)),
                    SmtpTls::Tls => builder.tls(Tls::Wrapper(params()?)),
                };
                if !smtp.username.is_empty() {
                    builder = builder.credentials(Credentials::new(smtp.username.clone(), smtp.password.clone()));
                }
                Mailer::Smtp(Box::new(builder.build()), from)
            }
        })
    }

    /// The memory mailbox, when this is the memory transport.
    pub fn memory(&self) -> Option<MemoryMailbox> {
        match self {
            Mailer::Memory(m, _) => Some(m.clone()),
            _ => None,
        }
    }

    /// Sends one plain-text message (blocking: call from a worker thread).
    pub fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        message_id: &str,
        unsubscribe: Option<&str>,
    ) -> Result<(), MailError> {
        let from = match self {
            Mailer::Smtp(_, f) | Mailer::File(_, f) | Mailer::Memory(_, f) => f.clone(),
        };
        let to_box: Mailbox = to
            .parse()
            .map_err(|e| MailError::Send(format!("recipient {to}: {e}")))?;
        let mut builder = Message::builder()
            .from(from)
            .to(to_box)
            .subject(subject)
            .message_id(Some(message_id.to_string()))
            .header(ContentType::TEXT_PLAIN);
        if let Some(link) = unsubscribe {
            // RFC 8058: mail clients offer "unsubscribe" and POST to the link in one click.
            builder = builder
                .header(ListUnsubscribe(format!("<{link}>")))
                .header(ListUnsubscribePost);
        }
        let message = builder
            .body(body.to_string())
            .map_err(|e| MailError::Send(e.to_string()))?;
        match self {
            Mailer::Smtp(t, _) => t.send(&message).map(|_| ()).map_err(|e| MailError::Send(e.to_string())),
            Mailer::File(t, _) => t.send(&message).map(|_| ()).map_err(|e| MailError::Send(e.to_string())),
            Mailer::Memory(m, _) => {
                m.lock().unwrap_or_else(|p| p.into_inner()).push(SentMail {
                    to: to.to_string(),
                    subject: subject.to_string(),
                    body: body.to_string(),
                    message_id: message_id.to_string(),
                    unsubscribe: unsubscribe.map(str::to_string),
                });
                Ok(())
            }
        }
    }
}
