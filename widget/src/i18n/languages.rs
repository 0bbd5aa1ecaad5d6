//! Where each language's strings come from. English is in the main module; every
//! other language is in a module of its own (`#[wasm_split]`), fetched once when a
//! portal first speaks it, so a first visit downloads one language. Outside the
//! browser (native tests) there is one binary and every language is at hand.

use super::{Locale, Text, en};
use std::sync::OnceLock;

/// The languages fetched so far, by [`Locale::index`].
static LOADED: [OnceLock<&'static Text>; Locale::ALL.len()] =
    [const { OnceLock::new() }; Locale::ALL.len()];

/// `locale`'s strings if they are here, else English.
pub(super) fn text(locale: Locale) -> &'static Text {
    if locale == Locale::En {
        return &en::TEXT;
    }
    #[cfg(not(target_family = "wasm"))]
    {
        bundled(locale)
    }
    #[cfg(target_family = "wasm")]
    {
        LOADED[locale.index()].get().copied().unwrap_or(&en::TEXT)
    }
}

/// Fetches `locale`'s module unless it is here. `false`: it could not be fetched
/// (the portal speaks English meanwhile; a later call tries again).
pub(super) async fn load(locale: Locale) -> bool {
    let slot = &LOADED[locale.index()];
    if locale == Locale::En || slot.get().is_some() {
        return true;
    }
    let fetched = match locale {
        Locale::En => Ok(&en::TEXT),
        Locale::De => split::german().await,
        Locale::Fr => split::french().await,
        Locale::Es => split::spanish().await,
        Locale::Ar => split::arabic().await,
    };
    match fetched {
        Ok(text) => {
            let _ = slot.set(text);
            true
        }
        Err(_) => false,
    }
}

#[cfg(not(target_family = "wasm"))]
fn bundled(locale: Locale) -> &'static Text {
    match locale {
        Locale::En => &en::TEXT,
        Locale::De => &super::de::TEXT,
        Locale::Fr => &super::fr::TEXT,
        Locale::Es => &super::es::TEXT,
        Locale::Ar => &super::ar::TEXT,
    }
}

/// One module per language: only its own split function reaches its strings.
mod split {
    use super::super::{Text, ar, de, es, fr};
    use wasm_split_helpers::SplitLoaderError;

    on_demand!(
        locale_de,
        pub fn german() -> Result<&'static Text, SplitLoaderError> {
            Ok(&de::TEXT)
        }
    );

    on_demand!(
        locale_fr,
        pub fn french() -> Result<&'static Text, SplitLoaderError> {
            Ok(&fr::TEXT)
        }
    );

    on_demand!(
        locale_es,
        pub fn spanish() -> Result<&'static Text, SplitLoaderError> {
            Ok(&es::TEXT)
        }
    );

    on_demand!(
        locale_ar,
        pub fn arabic() -> Result<&'static Text, SplitLoaderError> {
            Ok(&ar::TEXT)
        }
    );
}
