//! Who is asking, stated in a handler's signature: [`SignedIn`] refuses anyone not signed
//! in before the handler runs, and [`ClientIp`] is the address audit events and limits
//! record (after the trusted-proxy middleware has put the client's own there).

use std::{convert::Infallible, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::{auth::SessionUser, context::PageContext, error::AppError, state::AppState};

/// The client's address as text.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
                .unwrap_or_default(),
        ))
    }
}

/// A signed-in person and the page context; anyone else is answered 403 (the portal
/// guards have already sent people without a session to the sign-in page).
pub struct SignedIn {
    pub ctx: PageContext,
    pub user: SessionUser,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = match PageContext::from_request_parts(parts, state).await {
            Ok(ctx) => ctx,
            Err(never) => match never {},
        };
        let user = ctx.signed_in()?;
        Ok(SignedIn { ctx, user })
    }
}

/// A signed-in member of staff with their account as stored (organisation, 岗位), read
/// once per request; applicants and visitors are answered 403. Handlers ask it for the
/// organisation they act for instead of looking the account up themselves.
pub struct Staff {
    pub ctx: PageContext,
    pub user: SessionUser,
    pub account: zc_db::accounts::Account,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let SignedIn { ctx, user } = SignedIn::from_request_parts(parts, state).await?;
        Staff::of(state, ctx, user).await
    }
}

impl Staff {
    /// The staff member behind a context already extracted.
    pub async fn of(
        state: &AppState,
        ctx: PageContext,
        user: SessionUser,
    ) -> Result<Self, AppError> {
        if !user.role.is_staff() {
            return Err(AppError::Forbidden);
        }
        let account = zc_db::accounts::find(&state.db, user.id)
            .await?
            .ok_or(AppError::Forbidden)?;
        Ok(Staff { ctx, user, account })
    }

    /// The organisation of `kind` (`unit`, `office`, `committee`) the person works for;
    /// 403 for anyone of another kind.
    pub fn org(&self, kind: &str) -> Result<i64, AppError> {
        self.account
            .org_id
            .filter(|_| self.account.org_kind.as_deref() == Some(kind))
            .ok_or(AppError::Forbidden)
    }
}

/// The 职改办 the signed-in person works at (not a 主管部门's desk); 403 for anyone else.
pub(crate) async fn office_desk(state: &AppState, ctx: &PageContext) -> Result<i64, AppError> {
    let user = ctx.signed_in()?;
    match zc_services::office_review::Desk::of(&state.db, user.id).await {
        Ok(zc_services::office_review::Desk::Office(id)) => Ok(id),
        _ => Err(AppError::Forbidden),
    }
}
