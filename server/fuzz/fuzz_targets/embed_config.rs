//! `portico_server::http::untrusted::embed_config` under libFuzzer: any input may be
//! refused, none may panic, overflow the stack or run out of memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| portico_server::http::untrusted::embed_config(input));
