//! `zhicheng` — starts the platform or runs an admin command. Any start-up failure is
//! reported as one line saying what is wrong and how to fix it.

use std::{collections::BTreeMap, process::ExitCode};

use clap::Parser;
use zhicheng::{Config, cli, telemetry};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let config = match Config::load(&env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("启动失败：{e:#}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("启动失败：无法创建运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("启动失败：{}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
