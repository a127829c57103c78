//! Signing in and out, passwords, registration, verification, invitations, profile, language.

use super::NoFields;
use super::{
    FormState, PageCtx, locale_cookie, render, render_invalid, safe_return, see_other, sign_in_redirect, with_ctx,
};
use crate::auth::tokens::Purpose;
use crate::domain::people::PersonView;
use crate::domain::preferences::{self, Channel, Preference};
use crate::domain::{Context, accounts, people};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use crate::http::extract::{SESSION_COOKIE, client_address};
use crate::i18n::Locale;
use actix_web::cookie::Cookie;
use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form)
        .service(login_submit)
        .service(logout)
        .service(logout_everywhere)
        .service(forgot_form)
        .service(forgot_submit)
        .service(reset_form)
        .service(reset_submit)
        .service(register_form)
        .service(register_submit)
        .service(verify)
        .service(invitation_form)
        .service(invitation_submit)
        .service(profile)
        .service(preferences_submit)
        .service(password_submit)
        .service(language);
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    p: PageCtx,
    form: FormState,
    next: String,
    self_registration: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

#[get("/login")]
async fn login_form(p: PageCtx, ctx: web::Data<Context>, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let next = safe_return(&q.next).to_string();
    render(&LoginPage {
        p,
        form: FormState::default(),
        next,
        self_registration: ctx.settings.auth.self_registration,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginFields {
    email: String,
    password: String,
    next: String,
}

#[post("/login")]
async fn login_submit(
    req: HttpRequest,
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<LoginFields>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let client = client_address(&req);
    let device = req
        .cookie(super::DEVICE_COOKIE)
        .and_then(|c| ctx.tokens.verify(c.value(), crate::auth::tokens::Purpose::Device))
        .and_then(|claims| {
            Some(crate::domain::sign_in::Device {
                person_id: claims.person_id()?,
                generation: claims.tgen,
            })
        });
    let (email, password) = (f.email.clone(), f.password);
    let result = with_ctx(&ctx, move |c| {
        crate::domain::sign_in::sign_in(c, &email, &password, &client, device)
    })
    .await;
    let next = safe_return(&f.next).to_string();
    let mut state = FormState::with(&[("email", &f.email)]);
    // Told to wait: the form stays, with the reason and how long (Retry-After) beside it.
    let waiting = match &result {
        Err(AppError::RateLimited { retry_after_seconds }) => Some(*retry_after_seconds),
        _ => None,
    };
    let result = match result {
        Err(AppError::RateLimited { .. }) => Err(AppError::field("email", "wait_and_retry")),
        other => other,
    };
    match state.absorb(result)? {
        Some(signed_in) => Ok(sign_in_redirect(&ctx, &signed_in, &next)),
        None => {
            let page = LoginPage {
                p,
                form: state,
                next,
                self_registration: ctx.settings.auth.self_registration,
            };
            match waiting {
                Some(seconds) => {
                    let mut res = super::render_status(actix_web::http::StatusCode::TOO_MANY_REQUESTS, &page)?;
                    res.headers_mut().insert(
                        actix_web::http::header::RETRY_AFTER,
                        actix_web::http::header::HeaderValue::from(seconds),
                    );
                    Ok(res)
                }
                None => render_invalid(&page),
            }
        }
    }
}

fn signed_out(location: &str) -> HttpResponse {
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .cookie(gone)
        .finish()
}

#[derive(Deserialize, Default)]
struct Empty {}

#[post("/logout")]
async fn logout(req: HttpRequest, ctx: web::Data<Context>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    // This session ends on the server too: a copy of the cookie no longer signs anyone in.
    let session = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| ctx.tokens.verify(c.value(), crate::auth::tokens::Purpose::Session));
    if let Some(claims) = session {
        with_ctx(&ctx, move |c| crate::domain::sessions::end(c, &claims.sid, claims.exp)).await?;
    }
    Ok(signed_out("/?done=signed_out"))
}

#[post("/logout/everywhere")]
async fn logout_everywhere(
    p: PageCtx,
    ctx: web::Data<Context>,
    _form: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let id = p.actor()?.id;
    with_ctx(&ctx, move |c| accounts::sign_out_everywhere(c, id)).await?;
    Ok(signed_out("/?done=signed_out_everywhere"))
}

#[derive(Template)]
#[template(path = "pages/forgot.html")]
struct ForgotPage {
    p: PageCtx,
    form: FormState,
}

#[get("/password/forgot")]
async fn forgot_form(p: PageCtx) -> Result<HttpResponse, AppError> {
    render(&ForgotPage {
        p,
        form: FormState::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ForgotFields {
    email: String,
}

#[derive(Template)]
#[template(path = "pages/message.html")]
struct MessagePage {
    p: PageCtx,
    title_key: &'static str,
    body_key: &'static str,
}

#[post("/password/forgot")]
async fn forgot_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<ForgotFields>,
) -> Result<HttpResponse, AppError> {
    let email = form.0.email;
    let e = email.clone();
    let mut state = FormState::with(&[("email", &email)]);
    match state.absorb(with_ctx(&ctx, move |c| accounts::request_password_reset(c, &e)).await)? {
        Some(()) => render(&MessagePage {
            p,
            title_key: "forgot.sent_title",
            body_key: "forgot.sent_body",
        }),
        None => render_invalid(&ForgotPage { p, form: state }),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenQuery {
    token: String,
}

#[derive(Template)]
#[template(path = "pages/set_password.html")]
struct SetPasswordPage {
    p: PageCtx,
    form: FormState,
    token: String,
    action: &'static str,
    title_key: &'static str,
    ask_name: bool,
}

fn link_invalid(p: PageCtx) -> Result<HttpResponse, AppError> {
    super::render_status(
        actix_web::http::StatusCode::GONE,
        &MessagePage {
            p,
            title_key: "link.invalid_title",
            body_key: "link.invalid_body",
        },
    )
}

/// Shows the set-password form if the link is still good.
async fn link_form(
    p: PageCtx,
    ctx: &web::Data<Context>,
    token: String,
    purpose: Purpose,
) -> Result<HttpResponse, AppError> {
    let t = token.clone();
    let checked = with_ctx(ctx, move |c| accounts::check_link(c, &t, purpose)).await;
    let (action, title_key, ask_name) = match purpose {
        Purpose::Invite => ("/invitation", "invitation.title", true),
        _ => ("/password/reset", "reset.title", false),
    };
    match checked {
        Ok((_, name)) => render(&SetPasswordPage {
            p,
            form: FormState::with(&[("name", &name)]),
            token,
            action,
            title_key,
            ask_name,
        }),
        Err(AppError::Conflict { .. }) => link_invalid(p),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SetPasswordFields {
    token: String,
    name: String,
    password: String,
}

/// Handles a set-password form from a reset or invitation link.
async fn link_submit(
    p: PageCtx,
    ctx: &web::Data<Context>,
    f: SetPasswordFields,
    purpose: Purpose,
) -> Result<HttpResponse, AppError> {
    let (token, name, password) = (f.token.clone(), f.name.clone(), f.password);
    let result = with_ctx(ctx, move |c| match purpose {
        Purpose::Invite => accounts::accept_invitation(c, &token, Some(&name), &password),
        _ => accounts::reset_password(c, &token, &password),
    })
    .await;
    let (action, title_key, ask_name) = match purpose {
        Purpose::Invite => ("/invitation", "invitation.title", true),
        _ => ("/password/reset", "reset.title", false),
    };
    let mut state = FormState::with(&[("name", &f.name)]);
    match state.absorb(result) {
        Ok(Some(signed_in)) => Ok(sign_in_redirect(ctx, &signed_in, "/?done=password_set")),
        Ok(None) => render_invalid(&SetPasswordPage {
            p,
            form: state,
            token: f.token,
            action,
            title_key,
            ask_name,
        }),
        Err(AppError::Conflict { .. }) => link_invalid(p),
        Err(e) => Err(e),
    }
}

#[get("/password/reset")]
async fn reset_form(p: PageCtx, ctx: web::Data<Context>, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    link_form(p, &ctx, q.into_inner().token, Purpose::Reset).await
}

#[post("/password/reset")]
async fn reset_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<SetPasswordFields>,
) -> Result<HttpResponse, AppError> {
    link_submit(p, &ctx, form.0, Purpose::Reset).await
}

#[get("/invitation")]
async fn invitation_form(
    p: PageCtx,
    ctx: web::Data<Context>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    link_form(p, &ctx, q.into_inner().token, Purpose::Invite).await
}

#[post("/invitation")]
async fn invitation_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<SetPasswordFields>,
) -> Result<HttpResponse, AppError> {
    link_submit(p, &ctx, form.0, Purpose::Invite).await
}

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    p: PageCtx,
    form: FormState,
}

#[get("/register")]
async fn register_form(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    if !ctx.settings.auth.self_registration {
        return Err(AppError::NotFound);
    }
    render(&RegisterPage {
        p,
        form: FormState::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterFields {
    email: String,
    name: String,
    password: String,
}

#[post("/register")]
async fn register_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<RegisterFields>,
) -> Result<HttpResponse, AppError> {
    if !ctx.settings.auth.self_registration {
        return Err(AppError::NotFound);
    }
    let f = form.0;
    let input = accounts::Registration {
        email: f.email.clone(),
        name: f.name.clone(),
        password: f.password,
    };
    let locale = p.locale;
    let mut state = FormState::with(&[("email", &f.email), ("name", &f.name)]);
    match state.absorb(with_ctx(&ctx, move |c| accounts::register(c, &input, locale)).await)? {
        Some(()) => render(&MessagePage {
            p,
            title_key: "register.sent_title",
            body_key: "register.sent_body",
        }),
        None => render_invalid(&RegisterPage { p, form: state }),
    }
}

#[get("/verify")]
async fn verify(p: PageCtx, ctx: web::Data<Context>, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token;
    match with_ctx(&ctx, move |c| accounts::verify_email(c, &token)).await {
        Ok(signed_in) => Ok(sign_in_redirect(&ctx, &signed_in, "/?done=email_verified")),
        Err(AppError::Conflict { .. }) => link_invalid(p),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "pages/profile.html")]
struct ProfilePage {
    p: PageCtx,
    me: PersonView,
    form: FormState,
    /// How the person hears of each kind of event.
    preferences: Vec<Preference>,
    /// Whether their name may appear in the public showcase.
    public_name: bool,
}

impl ProfilePage {
    /// The channels a kind may go to, for its choices.
    fn channels(&self, kind: &str) -> &'static [Channel] {
        preferences::channels_of(kind)
    }
}

async fn load_me(p: &PageCtx, ctx: &web::Data<Context>) -> Result<(PersonView, Vec<Preference>, bool), AppError> {
    let actor = p.actor()?.clone();
    with_ctx(ctx, move |c| {
        let public_name = crate::domain::showcase::publish::public_name(c, actor.id)?;
        let mut conn = c.db.read()?;
        Ok((
            people::view(&mut conn, actor.id)?,
            preferences::list(c, &actor)?,
            public_name,
        ))
    })
    .await
}

#[get("/profile")]
async fn profile(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let (me, preferences, public_name) = load_me(&p, &ctx).await?;
    render(&ProfilePage {
        p,
        me,
        form: FormState::default(),
        preferences,
        public_name,
    })
}

/// Saves how the person hears of each kind of event (`kind_<kind>` = channel).
#[post("/profile/notifications")]
async fn preferences_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let mut choices = Vec::new();
    for (name, value) in &form.1.0 {
        if let Some(kind) = name.strip_prefix("kind_") {
            let channel = Channel::parse(value).ok_or_else(|| AppError::field(name, "invalid_choice"))?;
            choices.push((kind.to_string(), channel));
        }
    }
    with_ctx(&ctx, move |c| preferences::save(c, &actor, &choices)).await?;
    Ok(see_other("/profile?done=preferences_saved#notifications-heading"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordFields {
    current_password: String,
    new_password: String,
}

#[post("/profile/password")]
async fn password_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PasswordFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?;
    let id = actor.id;
    let locale = actor.locale;
    let input = accounts::PasswordChange {
        current_password: form.0.current_password,
        new_password: form.0.new_password,
    };
    let mut state = FormState::default();
    match state.absorb(with_ctx(&ctx, move |c| accounts::change_password(c, id, &input)).await)? {
        Some(generation) => {
            // Every other session ends; this browser gets a fresh sign-in.
            let signed_in = accounts::SignedIn {
                person_id: id,
                token_generation: generation,
                locale,
            };
            Ok(sign_in_redirect(&ctx, &signed_in, "/profile?done=password_changed"))
        }
        None => {
            let (me, preferences, public_name) = load_me(&p, &ctx).await?;
            render_invalid(&ProfilePage {
                p,
                me,
                form: state,
                preferences,
                public_name,
            })
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LanguageFields {
    lang: String,
    next: String,
}

#[post("/language")]
async fn language(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<LanguageFields>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let locale = Locale::parse(&f.lang).ok_or_else(|| AppError::field("lang", "invalid_choice"))?;
    if let Some(actor) = &p.user {
        let id = actor.id;
        with_ctx(&ctx, move |c| accounts::set_locale(c, id, locale)).await?;
    }
    let mut res = see_other(safe_return(&f.next));
    res.add_cookie(&locale_cookie(&ctx, locale))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(res)
}
