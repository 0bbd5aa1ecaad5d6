//! The live portals. A portal stays mounted until its `destroy()` — not until the
//! host page lets go of its handle: wasm-bindgen frees a handle's Rust side when the
//! JavaScript object is garbage-collected, and a portal that vanished at the next GC
//! (as it did when the handle held the view) is a bug no host page could foresee.

use std::any::Any;
use std::cell::{Cell, RefCell};
use web_sys::{Element, ShadowRoot};

pub(crate) struct Mounted {
    /// Leptos' unmount handle: dropping it unmounts the view.
    pub view: Box<dyn Any>,
    pub host: Element,
    pub shadow: ShadowRoot,
}

thread_local! {
    static LIVE: RefCell<Vec<(u32, Mounted)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Keeps `mounted` alive and returns its id. (The caller unmounts any portal on
/// the same host first, with `remove_on`, before it reuses the shadow root.)
pub(crate) fn insert(mounted: Mounted) -> u32 {
    let id = NEXT_ID.with(|next| next.replace(next.get().wrapping_add(1)));
    LIVE.with(|live| live.borrow_mut().push((id, mounted)));
    id
}

/// Unmounts the portal `id`, if it is still live, and empties its shadow root.
pub(crate) fn remove(id: u32) {
    remove_where_id(|candidate| candidate == id);
}

/// Unmounts any portal on `host` (before mounting a new one there).
pub(crate) fn remove_on(host: &Element) {
    remove_where(|existing| &existing.host == host);
}

pub(crate) fn is_live(id: u32) -> bool {
    LIVE.with(|live| live.borrow().iter().any(|(candidate, _)| *candidate == id))
}

fn remove_where(matches: impl Fn(&Mounted) -> bool) {
    let ids: Vec<u32> = LIVE.with(|live| {
        live.borrow()
            .iter()
            .filter(|(_, m)| matches(m))
            .map(|(id, _)| *id)
            .collect()
    });
    for id in ids {
        remove(id);
    }
}

fn remove_where_id(matches: impl Fn(u32) -> bool) {
    // Take the portals out before dropping them: unmounting runs Leptos cleanups,
    // which must not find the registry borrowed.
    let removed: Vec<Mounted> = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        let (gone, kept): (Vec<_>, Vec<_>) = live.drain(..).partition(|(id, _)| matches(*id));
        *live = kept;
        gone.into_iter().map(|(_, mounted)| mounted).collect()
    });
    for mounted in removed {
        drop(mounted.view);
        mounted.shadow.set_inner_html("");
    }
}
