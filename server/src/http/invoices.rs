//! `/v1/invoices`: an invoice, as JSON or as its PDF, with a secret key of the
//! invoice's mode. Also the PDF download the widget's `invoice_pdf` link serves.

use super::api_key::SecretKeyAuth;
use super::session::configuration_for;
use super::{ApiContext, AppError, AppResult};
use crate::pdf::{self, InvoiceDocument, Seller};
use crate::provider::AdminInvoice;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::invoice::Invoice;

/// A PDF file: how OpenAPI describes the bytes of a download.
#[derive(Debug, utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub(super) struct PdfFile(Vec<u8>);

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/{id}", get(retrieve))
        .route("/{id}/pdf", get(admin_pdf))
}

#[utoipa::path(get, path = "/v1/invoices/{id}", operation_id = "retrieve_invoice", tag = "invoices", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The invoice (`in_…`)")),
    responses((status = 200, description = "The invoice with its lines", body = portico_wire::invoice::Invoice),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such invoice in the key's mode", body = portico_wire::ErrorBody)))]
async fn retrieve(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Invoice>> {
    Ok(Json(find(&ctx, auth, &id).await?.view.invoice))
}

#[utoipa::path(get, path = "/v1/invoices/{id}/pdf", operation_id = "download_invoice_pdf", tag = "invoices", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The invoice (`in_…`)")),
    responses((status = 200, description = "The invoice as a PDF file", content_type = "application/pdf", body = PdfFile),
        (status = 303, description = "The provider's own PDF of the invoice (Stripe's `invoice_pdf`), at the `Location`"),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such invoice in the key's mode", body = portico_wire::ErrorBody)))]
async fn admin_pdf(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let found = find(&ctx, auth, &id).await?;
    if let Some(link) = found.view.pdf_link {
        return Ok(Redirect::to(&link).into_response());
    }
    let seller = invoice_seller(&ctx, found.livemode, found.service.as_deref()).await?;
    Ok(pdf_download(
        seller,
        found.view.invoice,
        found.view.customer,
    ))
}

/// The invoice `id` of the key's mode.
async fn find(ctx: &ApiContext, auth: SecretKeyAuth, id: &str) -> AppResult<AdminInvoice> {
    // One of the other mode is no such invoice: a key learns nothing of the
    // other mode.
    match ctx.provider.admin_invoice(id).await? {
        Some(found) if found.livemode == auth.livemode() => Ok(found),
        _ => Err(AppError::not_found(
            ErrorCode::ResourceMissing,
            format!("No such invoice: '{id}'."),
        )
        .param("id")),
    }
}

/// Who issued an invoice seen through the admin API: its subscription's service,
/// with the headline of the portal configuration that service's portals use.
async fn invoice_seller(
    ctx: &ApiContext,
    livemode: bool,
    service_name: Option<&str>,
) -> AppResult<Seller> {
    let catalog = ctx.catalog.current();
    let service = service_name.and_then(|name| catalog.service_named(name));
    let configuration = configuration_for(
        ctx,
        livemode,
        service.and_then(|s| s.configuration.as_deref()),
    )
    .await?;
    Ok(Seller {
        // An invoice outlives its service in the catalog; its name stays on the PDF.
        name: service_name.unwrap_or("Portico").to_owned(),
        headline: configuration.business_profile.headline,
    })
}

/// The invoice's PDF as a download named after its number.
pub(super) fn pdf_download(
    seller: Seller,
    invoice: Invoice,
    customer: portico_wire::embed::Customer,
) -> Response {
    // Numbers are `INV-YYYYMM-NNNNN` (Stripe's are alike); anything else is kept
    // out of the header.
    let filename: String = invoice
        .number
        .as_deref()
        .unwrap_or("invoice")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let document = InvoiceDocument {
        seller,
        customer,
        invoice,
    };
    PdfFile(pdf::invoice_pdf(&document)).download(&format!("{filename}.pdf"))
}

impl PdfFile {
    /// Never cached: an invoice holds the customer's details and changes when paid.
    fn download(self, filename: &str) -> Response {
        (
            [
                (CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            self.0,
        )
            .into_response()
    }
}
