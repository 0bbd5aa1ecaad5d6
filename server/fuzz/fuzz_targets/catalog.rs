//! `portico_server::http::untrusted::catalog` under libFuzzer: any input may be
//! refused, none may panic, overflow the stack or run out of memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| portico_server::http::untrusted::catalog(input));
