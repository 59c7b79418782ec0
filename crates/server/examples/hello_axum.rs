//! A bare axum "hello world" built with the same toolchain, profile and axum features as
//! the platform; BENCHMARKS.md compares the platform's pages against it.
//!
//! `cargo run --release --example hello_axum -- 127.0.0.1:8090`

use axum::{Router, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".into());
    let app = Router::new().route("/", get(|| async { "Hello, world!" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("hello_axum listening on http://{addr}");
    axum::serve(listener, app).await
}
