//! What pages and the API share: the request context (who is asking, on which context),
//! running domain calls off the async workers, CSRF protection and downloads.

pub mod csrf;
pub mod extract;
pub mod proxies;

use crate::domain::Context;
use crate::error::AppError;
use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// A CSV file to download (the body carries its own byte-order mark).
pub fn csv_download(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// A spreadsheet table as an Excel workbook download.
pub fn xlsx_download(filename: &str, table: &crate::spreadsheet::Table, sheet: &str) -> Result<HttpResponse, AppError> {
    let body = crate::spreadsheet::xlsx(table, sheet).map_err(|e| AppError::Internal(format!("xlsx: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type(crate::spreadsheet::XLSX_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}

/// Runs blocking domain code off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    web::block(f).await?
}

/// Runs a domain call with the context off the async workers.
pub async fn with_ctx<T: Send + 'static>(
    ctx: &web::Data<Context>,
    f: impl FnOnce(&Context) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let ctx = ctx.clone();
    blocking(move || f(&ctx)).await
}
