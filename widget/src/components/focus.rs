//! Focus for the portal's panels: opening one moves focus into it, Escape closes it
//! and returns focus to the button that opened it.

use super::{Panel, Portal};
use leptos::ev::{KeyboardEvent, MouseEvent};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

impl Portal {
    /// Opens `panel`, remembering the button the customer used.
    pub(super) fn open_panel(self, panel: Panel, ev: &MouseEvent) {
        let opener = ev
            .current_target()
            .and_then(|target| target.dyn_into::<HtmlElement>().ok());
        self.opener.set_value(opener);
        self.preview.set(None);
        self.panel.set(panel);
    }

    /// Closes the open panel and gives focus back to its opener.
    pub(super) fn close_panel(self) {
        self.panel.set(Panel::None);
        self.preview.set(None);
        if let Some(opener) = self.opener.get_value() {
            let _ = opener.focus();
        }
    }

    /// For a panel's `on:keydown`: Escape closes it.
    pub(super) fn escape_closes(self) -> impl Fn(KeyboardEvent) + Copy {
        move |ev: KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                self.close_panel();
            }
        }
    }
}

/// Moves focus to the panel's first field or button once it is in the page. A panel
/// from an on-demand module is built before it is attached (`chunks.rs`), and an
/// element outside the document cannot take focus: so on the next frame.
pub(super) fn focus_first(panel: NodeRef<Div>) {
    Effect::new(move |_| {
        let first = panel
            .get()
            .and_then(|el| {
                el.query_selector("input, select, textarea, button")
                    .ok()
                    .flatten()
            })
            .and_then(|el| el.dyn_into::<HtmlElement>().ok());
        if let Some(first) = first {
            request_animation_frame(move || {
                let _ = first.focus();
            });
        }
    });
}
