//! [`on_demand!`]: a function whose code is in a wasm module of its own, fetched the
//! first time it is called (`#[wasm_split]`, cut out by `cargo xtask`'s widget
//! build). The call is `async` and fails with `SplitLoaderError` (converted into
//! the function's error type) when the module cannot be fetched.
//!
//! The wasm tests' build (`--cfg portico_unsplit`, set by `cargo xtask test`) runs
//! under wasm-bindgen-test-runner, which knows nothing of split modules: there the
//! function is a plain `async fn` in the one module, as it is natively.

/// `on_demand!(module, pub fn name(args) -> Result<T, E> { body })`.
macro_rules! on_demand {
    ($module:ident, $(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        $(#[$attr])*
        #[cfg(not(portico_unsplit))]
        #[::wasm_split_helpers::wasm_split($module, fallible)]
        $vis fn $name($($arg: $ty),*) -> $ret $body

        $(#[$attr])*
        #[cfg(portico_unsplit)]
        $vis async fn $name($($arg: $ty),*) -> $ret $body
    };
}
