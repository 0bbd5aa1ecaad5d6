//! `portico serve`'s rate-limit flags: requests per minute per client IP and per
//! service, each also the burst. On by default; `0` turns one limit off.

use clap::Args;
use portico_server::http::RateLimitConfig;
use std::num::NonZeroU32;

#[derive(Debug, Args)]
pub struct RateLimitArgs {
    /// New sessions per minute from one client IP (`0`: no limit).
    #[arg(long, env = "PORTICO_LIMIT_SESSIONS_PER_IP", default_value_t = 60)]
    limit_sessions_per_ip: u32,
    /// New sessions per minute for one service.
    #[arg(
        long,
        env = "PORTICO_LIMIT_SESSIONS_PER_SERVICE",
        default_value_t = 6_000
    )]
    limit_sessions_per_service: u32,
    /// Previews, usage, wallet reads and invoice PDFs per minute from one client IP.
    #[arg(long, env = "PORTICO_LIMIT_EXPENSIVE_PER_IP", default_value_t = 300)]
    limit_expensive_per_ip: u32,
    /// The same, per minute for one service.
    #[arg(
        long,
        env = "PORTICO_LIMIT_EXPENSIVE_PER_SERVICE",
        default_value_t = 12_000
    )]
    limit_expensive_per_service: u32,
    /// Do not count requests from 127.0.0.1 and ::1 (local tests and demos only).
    #[arg(long, env = "PORTICO_LIMIT_EXEMPT_LOOPBACK")]
    limit_exempt_loopback: bool,
    /// The header a trusted reverse proxy sets to the client's IP (for example
    /// `x-forwarded-for`, whose last address is used). Default: the peer address.
    #[arg(long, env = "PORTICO_CLIENT_IP_HEADER")]
    client_ip_header: Option<String>,
}

impl RateLimitArgs {
    pub fn config(self) -> RateLimitConfig {
        RateLimitConfig {
            sessions_per_ip: NonZeroU32::new(self.limit_sessions_per_ip),
            sessions_per_service: NonZeroU32::new(self.limit_sessions_per_service),
            expensive_per_ip: NonZeroU32::new(self.limit_expensive_per_ip),
            expensive_per_service: NonZeroU32::new(self.limit_expensive_per_service),
            exempt_loopback: self.limit_exempt_loopback,
            client_ip_header: self.client_ip_header,
        }
    }
}
