//! The customer's side of billing: their card, billing details and invoices.

use super::chunks::{self, Details};
use super::focus::focus_first;
use super::invoice_search::InvoiceSearch;
use super::{Panel, Portal};
use crate::billing_view::{card_label, invoice_row};
use crate::i18n::fill;
use crate::invoice_filter::InvoiceFilter;
use leptos::ev::SubmitEvent;
use leptos::html::Div;
use leptos::prelude::*;
use portico_wire::billing_portal::configuration::{CustomerField, CustomerUpdateFeature};
use portico_wire::customer::{Address, CustomerUpdate, TaxId};
use portico_wire::embed::{CardEntry, Portal as PortalState};
use portico_wire::invoice::Invoice;
use portico_wire::payment::CardRequest;

#[component]
pub fn AccountSections(portal: Portal, state: PortalState) -> impl IntoView {
    let t = portal.t();
    let card = state
        .payment_method
        .as_ref()
        .map(|m| card_label(m, portal.locale));
    let customer = state.customer.clone();
    // The configuration decides which sections exist; read-only shows, never edits.
    let features = &state.features;
    let writable = !state.read_only;
    let card_section = features.payment_method_update.enabled;
    let customer = customer.filter(|_| features.customer_update.enabled);
    let allowed = StoredValue::new(features.customer_update.clone());
    let card_entry = state.card_entry.clone();
    view! {
        <div class="portico-account">
            {card_section.then(|| view! {
            <section class="portico-section" data-testid="payment-method" aria-labelledby="portico-card-title">
                <h3 id="portico-card-title">{t.payment_method}</h3>
                <p data-testid="card-label">{card.unwrap_or_else(|| t.no_card.to_owned())}</p>
                {writable.then(|| view! {
                    <button type="button" class="portico-button" data-testid="update-card"
                        on:click=move |ev| portal.open_panel(Panel::Card, &ev)>{t.update_card}</button>
                })}
                <Show when=move || portal.panel.get() == Panel::Card>
                    {match card_entry.clone() {
                        CardEntry::StripeJs { publishable_key, js_url } => chunks::on_demand(portal, true, move || {
                            chunks::stripe_card_form(portal, publishable_key.clone(), js_url.clone())
                        }),
                        _ => chunks::on_demand(portal, true, move || chunks::card_form(portal)),
                    }}
                </Show>
            </section>
            })}
            {customer.map(|customer| view! {
                <section class="portico-section" data-testid="billing-details" aria-labelledby="portico-details-title">
                    <h3 id="portico-details-title">{t.billing_details}</h3>
                    <p data-testid="details-summary">
                        {customer.name.clone().unwrap_or_default()} " " {customer.email.clone().unwrap_or_default()}
                    </p>
                    {writable.then(|| view! {
                        <button type="button" class="portico-button" data-testid="edit-details"
                            on:click=move |ev| portal.open_panel(Panel::Details, &ev)>{t.edit_details}</button>
                    })}
                    <Show when=move || portal.panel.get() == Panel::Details>
                        {let customer = customer.clone();
                        chunks::on_demand(portal, true, move || chunks::details_form(portal, Details {
                            name: customer.name.clone(),
                            email: customer.email.clone(),
                            address: customer.address.clone(),
                            tax_id: customer.tax_id.clone(),
                            allowed,
                        }))}
                    </Show>
                </section>
            })}
        </div>
    }
}

/// The built-in engine's card form: test cards only; real card entry goes through
/// Stripe.js when the Stripe provider is configured.
#[component]
pub(super) fn CardForm(portal: Portal) -> impl IntoView {
    let number = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let cvc = RwSignal::new(String::new());
    let t = portal.t();
    let problem = RwSignal::new(None::<&'static str>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some((exp_month, exp_year)) = parse_expiry(&expiry.get_untracked()) else {
            problem.set(Some(t.expiry_format));
            return;
        };
        problem.set(None);
        portal.attach_card(CardRequest {
            number: number.get_untracked(),
            exp_month,
            exp_year,
            cvc: cvc.get_untracked(),
        });
    };
    let node = NodeRef::<Div>::new();
    focus_first(node);
    view! {
        <div node_ref=node on:keydown=portal.escape_closes()>
        <form class="portico-panel" data-testid="card-form" on:submit=submit novalidate>
            {move || portal.signup_after_card.get().map(|_| view! { <p>{t.card_for_signup}</p> })}
            <label class="portico-field">{t.card_number}
                <input inputmode="numeric" autocomplete="cc-number" data-testid="card-number" required
                    on:input=move |ev| number.set(event_target_value(&ev)) />
            </label>
            <div class="portico-row">
                <label class="portico-field">{t.card_expiry}
                    <input inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" data-testid="card-expiry" required
                        on:input=move |ev| expiry.set(event_target_value(&ev)) />
                </label>
                <label class="portico-field">{t.card_cvc}
                    <input inputmode="numeric" autocomplete="cc-csc" data-testid="card-cvc" required
                        on:input=move |ev| cvc.set(event_target_value(&ev)) />
                </label>
            </div>
            {move || problem.get().map(|p| view! { <p class="portico-action-error" role="alert">{p}</p> })}
            <button type="submit" class="portico-button portico-button-primary" data-testid="save-card"
                disabled=move || portal.busy.get().is_some()>
                {move || if portal.busy.get().as_deref() == Some("card") { t.saving } else { t.save_card }}
            </button>
        </form>
        </div>
    }
}

/// `MM/YY` or `MM/YYYY` to (month, year).
fn parse_expiry(text: &str) -> Option<(u32, u32)> {
    let (month, year) = text.split_once('/')?;
    Some((month.trim().parse().ok()?, year.trim().parse().ok()?))
}

#[component]
pub(super) fn DetailsForm(
    portal: Portal,
    name: Option<String>,
    email: Option<String>,
    address: Option<Address>,
    tax_id: Option<TaxId>,
    allowed: StoredValue<CustomerUpdateFeature>,
) -> impl IntoView {
    let t = portal.t();
    let may = move |field: CustomerField| allowed.with_value(|a| a.allows(field));
    let address = address.unwrap_or_default();
    let name = RwSignal::new(name.unwrap_or_default());
    let email = RwSignal::new(email.unwrap_or_default());
    let line1 = RwSignal::new(address.line1.unwrap_or_default());
    let city = RwSignal::new(address.city.unwrap_or_default());
    let postal_code = RwSignal::new(address.postal_code.unwrap_or_default());
    let country = RwSignal::new(address.country.unwrap_or_default());
    let tax_kind = RwSignal::new(
        tax_id
            .as_ref()
            .map_or_else(|| "eu_vat".to_owned(), |t| t.kind.clone()),
    );
    let tax_value = RwSignal::new(tax_id.map(|t| t.value).unwrap_or_default());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = |signal: RwSignal<String>| {
            Some(signal.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        portal.update_customer(CustomerUpdate {
            name: Some(name.get_untracked()).filter(|_| may(CustomerField::Name)),
            email: Some(email.get_untracked()).filter(|_| may(CustomerField::Email)),
            address: may(CustomerField::Address).then(|| Address {
                line1: text(line1),
                line2: None,
                city: text(city),
                state: None,
                postal_code: text(postal_code),
                country: text(country).map(|c| c.to_ascii_uppercase()),
            }),
            // An emptied value removes the tax id.
            tax_id: may(CustomerField::TaxId).then(|| TaxId {
                kind: tax_kind.get_untracked(),
                value: tax_value.get_untracked().trim().to_owned(),
            }),
        });
    };
    let field = |label: &'static str,
                 id: &'static str,
                 signal: RwSignal<String>,
                 autocomplete: &'static str| {
        view! {
            <label class="portico-field">{label}
                <input data-testid=id autocomplete=autocomplete prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev)) />
            </label>
        }
    };
    let node = NodeRef::<Div>::new();
    focus_first(node);
    view! {
        <div node_ref=node on:keydown=portal.escape_closes()>
        <form class="portico-panel" data-testid="details-form" on:submit=submit>
            {may(CustomerField::Name).then(|| field(t.name, "details-name", name, "name"))}
            {may(CustomerField::Email).then(|| field(t.billing_email, "details-email", email, "email"))}
            {may(CustomerField::Address).then(|| view! {
                {field(t.address, "details-line1", line1, "address-line1")}
                {field(t.city, "details-city", city, "address-level2")}
                {field(t.postal_code, "details-postal-code", postal_code, "postal-code")}
                {field(t.country, "details-country", country, "country")}
            })}
            {may(CustomerField::TaxId).then(|| view! {
            <div class="portico-row">
                <label class="portico-field">{t.tax_id_type}
                    <select data-testid="details-tax-type" on:change=move |ev| tax_kind.set(event_target_value(&ev))>
                        {TAX_ID_TYPES.iter().map(|(code, label)| {
                            let selected = tax_kind.get_untracked() == *code;
                            view! { <option value=*code selected=selected>{*label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {field(t.tax_id, "details-tax-id", tax_value, "off")}
            </div>
            })}
            <button type="submit" class="portico-button portico-button-primary" data-testid="save-details"
                disabled=move || portal.busy.get().is_some()>{t.save}</button>
        </form>
        </div>
    }
}

/// Stripe's tax id types most SaaS customers have.
const TAX_ID_TYPES: [(&str, &str); 8] = [
    ("eu_vat", "EU VAT"),
    ("gb_vat", "GB VAT"),
    ("ch_vat", "CH VAT"),
    ("no_vat", "NO VAT"),
    ("us_ein", "US EIN"),
    ("ca_bn", "CA BN"),
    ("au_abn", "AU ABN"),
    ("in_gst", "IN GST"),
];

#[component]
pub fn Invoices(portal: Portal) -> impl IntoView {
    let t = portal.t();
    // First opened, or opened again after an action made the list stale.
    if portal.invoices.get_untracked().is_none() {
        portal.load_invoices();
    }
    let filter = RwSignal::new(InvoiceFilter::default());
    let rows = move || {
        portal.invoices.get().map(|invoices| {
            if invoices.is_empty() {
                return view! { <p>{t.no_invoices}</p> }.into_any();
            }
            let total = invoices.len();
            let matching: Vec<&Invoice> = filter.with(|f| invoices.iter().filter(|i| f.matches(i)).collect());
            let shown = matching.len();
            let count = fill(
                t.invoices_shown,
                &[("shown", &shown.to_string()), ("total", &total.to_string())],
            );
            if matching.is_empty() {
                return view! {
                    <p role="status" data-testid="invoices-shown" class="portico-muted">{count}</p>
                    <p data-testid="no-matching-invoices">{t.no_matching_invoices}</p>
                }
                .into_any();
            }
            let rows = matching
                .into_iter()
                .map(|invoice| {
                    let row = invoice_row(invoice, portal.locale);
                    let id = row.id.clone();
                    let open = id.clone();
                    let shown = move || portal.panel.get() == Panel::Invoice(id.clone());
                    let lines = row.lines.clone();
                    let paid_from_credits = row.paid_from_credits.clone();
                    let pdf = row.pdf.clone();
                    let hosted = invoice.hosted_invoice_url.clone();
                    view! {
                        <tr data-testid="invoice-row">
                            <td>{row.date.clone()}</td>
                            <td>
                                <button type="button" class="portico-link" data-testid="invoice-number"
                                    aria-expanded={
                                        let shown = shown.clone();
                                        move || shown().to_string()
                                    }
                                    on:click=move |_| portal.panel.set(Panel::Invoice(open.clone()))>
                                    {row.number.clone()}
                                </button>
                            </td>
                            <td><span class=format!("portico-status portico-status-{}", row.tone) data-testid="invoice-status">{row.status}</span></td>
                            <td class="portico-num">{row.amount.clone()}</td>
                            <td>
                                {hosted.clone().map(|url| view! {
                                    <a class="portico-link" data-testid="invoice-hosted-link" href=url target="_blank" rel="noopener">{t.view_invoice}</a>
                                    " "
                                })}
                                {pdf.clone().map(|(path, file_name)| {
                                    // With Stripe the PDF is Stripe's own, a plain link.
                                    if crate::billing_view::is_absolute_url(&path) {
                                        return view! {
                                            <a class="portico-button" data-testid="download-pdf" href=path target="_blank" rel="noopener">{t.download_pdf}</a>
                                        }.into_any();
                                    }
                                    let busy = format!("pdf:{path}");
                                    let downloading = move || portal.busy.get().as_deref() == Some(busy.as_str());
                                    view! {
                                        <button type="button" class="portico-button" data-testid="download-pdf"
                                            disabled=move || portal.busy.get().is_some()
                                            on:click=move |_| portal.download_pdf(path.clone(), file_name.clone())>
                                            {move || if downloading() { t.downloading } else { t.download_pdf }}
                                        </button>
                                    }.into_any()
                                })}
                            </td>
                        </tr>
                        <Show when=shown>
                            <tr class="portico-invoice-detail" data-testid="invoice-detail">
                                <td colspan="5">
                                    <table class="portico-lines">
                                        <tbody>{lines.iter().map(|(d, a)| view! { <tr><td>{d.clone()}</td><td class="portico-num">{a.clone()}</td></tr> }).collect_view()}</tbody>
                                        <tfoot>
                                            <tr><th scope="row">{t.amount_due}</th><td class="portico-num">{row.due.clone()}</td></tr>
                                            {paid_from_credits.clone().map(|paid| view! {
                                                <tr data-testid="paid-from-credits"><th scope="row">{t.paid_from_credits}</th><td class="portico-num">{paid}</td></tr>
                                            })}
                                        </tfoot>
                                    </table>
                                </td>
                            </tr>
                        </Show>
                    }
                })
                .collect_view();
            view! {
                <p role="status" data-testid="invoices-shown" class="portico-muted">{count}</p>
                // Five columns do not fit a phone: the table scrolls in its own region.
                <div class="portico-table-scroll" role="region" tabindex="0" aria-labelledby="portico-invoices-title">
                    <table class="portico-invoices" data-testid="invoices">
                        <thead><tr><th scope="col">{t.date}</th><th scope="col">{t.number}</th><th scope="col">{t.status}</th><th scope="col" class="portico-num">{t.amount}</th><th scope="col">{t.invoice_pdf}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <section class="portico-section" data-testid="invoice-history" aria-labelledby="portico-invoices-title">
            <h3 id="portico-invoices-title">{t.invoices}</h3>
            <Show when=move || portal.invoices.get().is_none()>
                <button type="button" class="portico-button" data-testid="show-invoices"
                    disabled=move || portal.busy.get().is_some() on:click=move |_| portal.load_invoices()>
                    {t.show_invoices}
                </button>
            </Show>
            <Show when=move || portal.invoices.with(|i| i.as_ref().is_some_and(|i| !i.is_empty()))>
                <InvoiceSearch portal=portal filter=filter />
            </Show>
            {rows}
        </section>
    }
}
