//! Signed JWTs (HS256) with a purpose and the person's token generation.

use crate::config::AuthSettings;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// What a token may be used for; a token is never accepted for another purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A web sign-in, carried in the session cookie.
    Session,
    /// An API access token, carried as a bearer token.
    Api,
    /// A password reset link.
    Reset,
    /// An email verification link.
    Verify,
    /// An invitation link for a person created by an administrator.
    Invite,
    /// An invitation to a customer panel; its subject is the invitation's id, not a person's.
    PanelInvite,
    /// A browser the person signed in with (the device cookie): its sign-ins skip the delays
    /// that guesses from others at the same address cause.
    Device,
    /// A one-click unsubscribe from one kind of email (the kind is in `knd`).
    Unsubscribe,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Session => "session",
            Purpose::Api => "api",
            Purpose::Reset => "reset",
            Purpose::Verify => "verify",
            Purpose::Invite => "invite",
            Purpose::PanelInvite => "panel_invite",
            Purpose::Device => "device",
            Purpose::Unsubscribe => "unsubscribe",
        }
    }
}

/// The claims of every token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The person's id.
    pub sub: String,
    /// The person's token generation when issued.
    pub tgen: i32,
    /// The purpose.
    pub pur: String,
    pub iat: i64,
    pub exp: i64,
    /// A session's own id, so that signing out ends that session alone (web sessions).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sid: String,
    /// What an unsubscribe token switches off (a notification kind, or a digest).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub knd: String,
}

impl Claims {
    /// The person's id.
    pub fn person_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

/// Keys and lifetimes for issuing and checking tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    session_seconds: i64,
    api_seconds: i64,
    link_seconds: i64,
    invite_seconds: i64,
}

/// How long an unsubscribe link in an email works.
const UNSUBSCRIBE_SECONDS: i64 = 90 * 86400;

/// How long a browser stays known after a sign-in with it.
const DEVICE_SECONDS: i64 = 180 * 86400;

/// Clock skew tolerated for `iat`.
const LEEWAY_SECONDS: i64 = 60;

impl Tokens {
    /// Keys from the configured secret.
    pub fn new(auth: &AuthSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        validation.leeway = 0;
        Tokens {
            encoding: EncodingKey::from_secret(auth.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(auth.jwt_secret.as_bytes()),
            validation,
            session_seconds: auth.session_hours * 3600,
            api_seconds: auth.api_token_minutes * 60,
            link_seconds: auth.link_minutes * 60,
            invite_seconds: auth.invitation_days * 86400,
        }
    }

    /// How long a token of `purpose` lives, in seconds.
    pub fn lifetime(&self, purpose: Purpose) -> i64 {
        match purpose {
            Purpose::Session => self.session_seconds,
            Purpose::Api => self.api_seconds,
            Purpose::Reset | Purpose::Verify => self.link_seconds,
            Purpose::Invite | Purpose::PanelInvite => self.invite_seconds,
            Purpose::Device => DEVICE_SECONDS,
            Purpose::Unsubscribe => UNSUBSCRIBE_SECONDS,
        }
    }

    /// Issues a token; returns it with its lifetime in seconds.
    pub fn issue(&self, purpose: Purpose, person_id: i64, generation: i32) -> (String, i64) {
        let now = chrono::Utc::now().timestamp();
        let lifetime = self.lifetime(purpose);
        self.issue_at(purpose, person_id, generation, now, lifetime)
    }

    /// Issues a token with explicit times (tests use it to forge future `iat`).
    pub fn issue_at(
        &self,
        purpose: Purpose,
        person_id: i64,
        generation: i32,
        iat: i64,
        lifetime: i64,
    ) -> (String, i64) {
        let sid = if purpose == Purpose::Session {
            use rand::RngCore;
            let mut bytes = [0u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        } else {
            String::new()
        };
        let claims = Claims {
            sub: person_id.to_string(),
            tgen: generation,
            pur: purpose.as_str().to_string(),
            iat,
            exp: iat + lifetime,
            sid,
            knd: String::new(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_else(|e| panic!("signing a token failed: {e}"));
        (token, lifetime)
    }

    /// An unsubscribe token for `person_id` and `kind`, tied to their token generation.
    pub fn unsubscribe(&self, person_id: i64, generation: i32, kind: &str) -> String {
        self.unsubscribe_at(person_id, generation, kind, chrono::Utc::now().timestamp())
    }

    /// An unsubscribe token issued at `now` (tests use it to make expired ones).
    pub fn unsubscribe_at(&self, person_id: i64, generation: i32, kind: &str, now: i64) -> String {
        let claims = Claims {
            sub: person_id.to_string(),
            tgen: generation,
            pur: Purpose::Unsubscribe.as_str().to_string(),
            iat: now,
            exp: now + UNSUBSCRIBE_SECONDS,
            sid: String::new(),
            knd: kind.to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_else(|e| panic!("signing a token failed: {e}"))
    }

    /// Checks signature, expiry, `iat` and purpose; the generation is checked against the database.
    pub fn verify(&self, token: &str, purpose: Purpose) -> Option<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        let now = chrono::Utc::now().timestamp();
        if claims.iat > now + LEEWAY_SECONDS || claims.pur != purpose.as_str() {
            return None;
        }
        // A web session without its own id cannot be signed out alone.
        if purpose == Purpose::Session && claims.sid.len() != 32 {
            return None;
        }
        Some(claims)
    }
}
