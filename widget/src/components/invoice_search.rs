//! The invoice search: number, status, date range and amount, applied as the
//! customer types. The rules are `invoice_filter.rs`'s.

use super::Portal;
use crate::invoice_filter::{FilterError, InvoiceFilter};
use leptos::prelude::*;

#[component]
pub fn InvoiceSearch(portal: Portal, filter: RwSignal<InvoiceFilter>) -> impl IntoView {
    let t = portal.t();
    let field = move |testid: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      read: fn(&InvoiceFilter) -> String,
                      write: fn(&mut InvoiceFilter, String)| {
        let id = format!("portico-search-{testid}");
        let label_for = id.clone();
        let bound = match testid {
            "search-min" => Some(FilterError::Min),
            "search-max" => Some(FilterError::Max),
            _ => None,
        };
        let described = bound.map(|_| format!("{id}-error"));
        let message_id = described.clone();
        let invalid =
            move || bound.is_some_and(|which| filter.with(|f| f.errors().contains(&which)));
        view! {
            <label class="portico-field" for=label_for>
                <span>{label}</span>
                <input id=id type=kind data-testid=testid
                    inputmode=if bound.is_some() { "decimal" } else { "text" }
                    aria-invalid=move || invalid().to_string()
                    aria-describedby=described
                    prop:value=move || filter.with(read)
                    on:input=move |ev| filter.update(|f| write(f, event_target_value(&ev))) />
                <Show when=invalid>
                    <span class="portico-field-error" role="alert" id=message_id.clone() data-testid=format!("{testid}-error")>{t.invalid_amount_bound}</span>
                </Show>
            </label>
        }
    };
    let statuses = [
        ("", t.any_status),
        ("paid", t.invoice_paid),
        ("open", t.invoice_open),
        ("void", t.invoice_void),
        ("uncollectible", t.invoice_uncollectible),
    ];
    view! {
        <form class="portico-search" role="search" aria-label=t.search_invoices data-testid="invoice-search"
            on:submit=|ev| ev.prevent_default()>
            {field("search-number", t.number, "search", |f| f.number.clone(), |f, v| f.number = v)}
            <label class="portico-field" for="portico-search-status">
                <span>{t.status}</span>
                <select id="portico-search-status" data-testid="search-status"
                    prop:value=move || filter.with(|f| f.status.clone())
                    on:change=move |ev| filter.update(|f| f.status = event_target_value(&ev))>
                    {statuses.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                </select>
            </label>
            {field("search-from", t.date_from, "date", |f| f.from.clone(), |f, v| f.from = v)}
            {field("search-to", t.date_to, "date", |f| f.to.clone(), |f, v| f.to = v)}
            {field("search-min", t.amount_min, "text", |f| f.min.clone(), |f, v| f.min = v)}
            {field("search-max", t.amount_max, "text", |f| f.max.clone(), |f, v| f.max = v)}
            <Show when=move || !filter.with(InvoiceFilter::is_empty)>
                <button type="button" class="portico-button portico-button-secondary" data-testid="search-clear"
                    on:click=move |_| filter.set(InvoiceFilter::default())>
                    {t.clear_search}
                </button>
            </Show>
        </form>
    }
}
