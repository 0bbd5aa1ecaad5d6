//! The portal's tabs — Overview, Credits, Invoices, Usage — as an ARIA tablist:
//! arrow keys move between tabs (in reading order, so mirrored in RTL), Home and
//! End jump, and only the selected tab is in the Tab order.

use super::Portal;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Credits,
    Invoices,
    Usage,
}

impl Tab {
    pub fn code(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Credits => "credits",
            Self::Invoices => "invoices",
            Self::Usage => "usage",
        }
    }

    pub fn tab_id(self) -> String {
        format!("portico-tab-{}", self.code())
    }

    pub fn panel_id(self) -> String {
        format!("portico-panel-{}", self.code())
    }
}

/// The tabs the portal has now: Overview always; Credits once the customer has a
/// wallet; Invoices when the configuration shows invoice history; Usage once the
/// service has meters.
pub fn available(portal: Portal, invoice_history: bool) -> Vec<Tab> {
    let mut tabs = vec![Tab::Overview];
    if portal.has_wallet() {
        tabs.push(Tab::Credits);
    }
    if invoice_history {
        tabs.push(Tab::Invoices);
    }
    if portal
        .usage
        .with(|u| u.as_ref().is_some_and(|u| !u.meters.is_empty()))
    {
        tabs.push(Tab::Usage);
    }
    tabs
}

#[component]
pub fn TabBar(portal: Portal, tabs: Signal<Vec<Tab>>) -> impl IntoView {
    let t = portal.t();
    let label = move |tab: Tab| match tab {
        Tab::Overview => t.overview,
        Tab::Credits => t.credits,
        Tab::Invoices => t.invoices,
        Tab::Usage => t.usage,
    };
    let rtl = portal.locale.is_rtl();
    let on_key = move |event: web_sys::KeyboardEvent| {
        let list = tabs.get_untracked();
        let Some(index) = list.iter().position(|t| *t == portal.tab.get_untracked()) else {
            return;
        };
        let last = list.len() - 1;
        let next = match (event.key().as_str(), rtl) {
            ("ArrowRight", false) | ("ArrowLeft", true) => (index + 1) % list.len(),
            ("ArrowLeft", false) | ("ArrowRight", true) => (index + last) % list.len(),
            ("Home", _) => 0,
            ("End", _) => last,
            _ => return,
        };
        event.prevent_default();
        portal.select_tab(list[next]);
        // Every tab is rendered; only the selection moves, so its button is there.
        let list_element = event
            .current_target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok());
        let button = list_element
            .and_then(|bar| {
                bar.query_selector(&format!("#{}", list[next].tab_id()))
                    .ok()
                    .flatten()
            })
            .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok());
        if let Some(button) = button {
            let _ = button.focus();
        }
    };
    view! {
        <Show when=move || { tabs.with(|t| t.len() > 1) }>
            <div class="portico-tabs" role="tablist" aria-label=t.billing data-testid="tabs" on:keydown=on_key>
                {move || tabs.get().into_iter().map(|tab| {
                    let selected = move || portal.tab.get() == tab;
                    view! {
                        <button type="button" role="tab" class="portico-tab" id=tab.tab_id()
                            data-testid=format!("tab-{}", tab.code())
                            aria-selected=move || selected().to_string()
                            aria-controls=tab.panel_id()
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| portal.select_tab(tab)>
                            {label(tab)}
                        </button>
                    }
                }).collect_view()}
            </div>
        </Show>
    }
}
