//! The command line: `serve` (default), `migrate`, `admin create-user`, `demo`.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use zc_domain::Role;
use zc_services::{
    ServiceError,
    accounts::{Actor, NewAccountInput, create_account},
};

use crate::{
    Config,
    startup::{Application, StartupReport, ensure_writable, open_database, shutdown_signal},
};

/// zhicheng — 广西专业技术人员职称管理服务平台
#[derive(Debug, Parser)]
#[command(name = "zhicheng", version, about = "职称申报评审平台（zhicheng）", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 启动平台（默认）
    Serve,
    /// 执行数据库迁移后退出
    Migrate,
    /// 管理命令
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// 向当前数据库写入演示数据（仅限空数据库）并列出演示账号
    Demo,
    /// 在线备份（SQLite 数据库、上传文件、密钥、审计锚点）到一个新目录
    Backup {
        /// 备份目录（不存在或为空）
        dir: std::path::PathBuf,
    },
    /// 把备份恢复到空的数据目录，并校验审计日志和数据条数
    Restore {
        /// 备份目录
        dir: std::path::PathBuf,
    },
    /// 写入大批已报送的申报，用于压测审核队列和导出（需演示数据）
    SeedApplications {
        /// 申报件数
        #[arg(long, default_value_t = 20_000)]
        count: u64,
        /// 测试账号的起始编号（多次写入时避免重复）
        #[arg(long, default_value_t = 1)]
        first: u64,
        /// 全部写成这一状态（状态代码，如 unit_pending）；默认按常见比例分布
        #[arg(long)]
        status: Option<String>,
        /// 全部写入第一个审核通过的单位（演示单位）
        #[arg(long)]
        one_unit: bool,
    },
    /// 写入可登录、尚未申报的测试申报人（seed编号@example.test），供负载测试逐人创建、填写和报送；密码从标准输入读取一行
    SeedApplicants {
        /// 人数
        #[arg(long, default_value_t = 10_000)]
        count: u64,
        /// 起始编号（与 seed-applications 的编号错开）
        #[arg(long, default_value_t = 5_000_000)]
        first: u64,
    },
    /// 离线查验证书签章：参数为二维码内容或其中 # 之后的签章数据；不联网、不读数据库
    VerifyCertificate {
        /// 二维码内容（https://…/verify/t/…#ZC1.…）或签章数据（ZC1.…）
        text: String,
        /// 公钥列表文件（/.well-known/zhicheng/keys.json 的下载）；默认用本机密钥目录中的列表
        #[arg(long)]
        keys: Option<std::path::PathBuf>,
    },
    /// 轮换证书签章密钥：停用当前密钥（公钥保留在公布列表中，旧证书仍可查验）并启用新密钥
    RotateCertificateKey,
}

/// Admin subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// 创建账号；密码从标准输入读取一行
    CreateUser {
        /// 登录账号
        #[arg(long)]
        login: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 角色代码：system_admin, security_admin, audit_admin, office_staff, …
        #[arg(long, default_value = "system_admin")]
        role: String,
    },
    /// 校验审计日志的哈希链，发现被修改或删除的记录
    VerifyAudit,
}

/// Runs the parsed command.
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            prepare_sqlite_dir(&config)?;
            let db = open_database(&config).await?;
            db.close().await;
            println!(
                "数据库迁移完成：{}",
                zc_db::redact_url(&config.database_url())
            );
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::CreateUser { login, name, role },
        } => create_user(config, login, name, role).await,
        Command::Admin {
            command: AdminCommand::VerifyAudit,
        } => verify_audit(config).await,
        Command::SeedApplications {
            count,
            first,
            status,
            one_unit,
        } => {
            let status = match status.as_deref() {
                None => None,
                Some(code) => Some(
                    zc_domain::application::ApplicationStatus::from_code(code)
                        .ok_or_else(|| anyhow::anyhow!("未知的状态代码 {code}"))?,
                ),
            };
            let shape = zc_services::bulk_seed::SeedShape { status, one_unit };
            let config = Config {
                demo: true,
                bind: "127.0.0.1:0".into(),
                ..config
            };
            let (app, _) = Application::build(&config).await?;
            let started = std::time::Instant::now();
            let written = zc_services::bulk_seed::seed_applications(
                &app.db(),
                &app.vault(),
                first,
                count,
                shape,
            )
            .await
            .map_err(|e| anyhow::anyhow!("测试数据写入失败：{e:?}"))?;
            println!(
                "已写入 {written} 件申报，用时 {:.1} 秒",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::SeedApplicants { count, first } => seed_applicants(config, count, first).await,
        Command::Backup { dir } => {
            prepare_sqlite_dir(&config)?;
            crate::backup::backup(&config, &dir).await
        }
        Command::Restore { dir } => crate::backup::restore(&config, &dir).await,
        Command::VerifyCertificate { text, keys } => verify_certificate(&config, &text, keys),
        Command::RotateCertificateKey => {
            let kid = crate::certificate_keys::rotate(&config.keys_dir(), config.clock.today())?;
            println!("已启用新的证书签章密钥 {kid}；旧密钥已停用，其公钥仍在公布列表中。");
            println!("多台服务器时，请把 keys/certificate 目录同步到每台服务器后逐台重启。");
            Ok(())
        }
        Command::Demo => {
            let config = Config {
                demo: true,
                bind: "127.0.0.1:0".into(),
                ..config
            };
            let (_app, report) = Application::build(&config).await?;
            print_banner(&report, false);
            Ok(())
        }
    }
}

fn prepare_sqlite_dir(config: &Config) -> anyhow::Result<()> {
    if config.uses_sqlite() {
        ensure_writable(&config.data_dir, "数据目录")?;
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let (app, report) = Application::build(&config).await?;
    print_banner(&report, true);
    app.run_until_stopped(shutdown_signal()).await
}

async fn create_user(
    config: Config,
    login: String,
    name: String,
    role: String,
) -> anyhow::Result<()> {
    let Some(role) = Role::from_code(&role) else {
        let codes: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
        bail!("未知的角色 {role}：可用角色为 {}", codes.join(", "));
    };
    eprintln!(
        "请输入新账号 {login} 的密码（至少8位，含大写字母、小写字母、数字、符号中的3类），回车结束："
    );
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    prepare_sqlite_dir(&config)?;
    let db = open_database(&config).await?;
    let input = NewAccountInput {
        login_name: login.clone(),
        display_name: name,
        password,
        role,
        org: None,
    };
    let result = create_account(&db, input, Actor::default()).await;
    db.close().await;
    match result {
        Ok(id) => {
            println!("已创建账号 {login}（#{id}，{}）", role.name());
            Ok(())
        }
        Err(ServiceError::Invalid(errors)) => {
            let msgs: Vec<_> = errors.0.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            bail!("账号未创建：{}", msgs.join("；"))
        }
        Err(e) => bail!("账号未创建：{e}"),
    }
}

async fn verify_audit(config: Config) -> anyhow::Result<()> {
    use zc_db::audit::{ChainCheck, verify_chain};
    prepare_sqlite_dir(&config)?;
    let anchors = crate::audit_anchor::read(&crate::audit_anchor::path(&config.data_dir))?;
    let db = open_database(&config).await?;
    let result = verify_chain(&db, &anchors).await;
    // A verified head is anchored too: a later rewrite or cut has to match it.
    let anchored = match &result {
        Ok(ChainCheck::Intact { .. }) => {
            crate::audit_anchor::write(&db, &crate::audit_anchor::path(&config.data_dir)).await
        }
        _ => Ok(None),
    };
    db.close().await;
    anchored?;
    match result? {
        ChainCheck::Intact { rows } => {
            println!(
                "审计日志完整：共 {rows} 条记录，密钥签名的哈希链校验通过，与库外锚点 {} 个一致。",
                anchors.len()
            );
            Ok(())
        }
        ChainCheck::Broken { id, reason } => {
            bail!("审计日志校验失败：第 {id} 条记录处链条断开（{reason}）")
        }
        ChainCheck::Truncated => {
            bail!("审计日志校验失败：最新的记录被删除（链头或库外锚点与最后一条记录不符）")
        }
    }
}

/// Prints the URL and, in demo mode, the demo accounts.
pub fn print_banner(report: &StartupReport, serving: bool) {
    println!();
    if serving {
        println!("  职称平台 zhicheng 已启动：{}", report.url);
    }
    println!("  数据库：{}", report.database);
    if report.seeded_demo {
        println!("  已写入演示数据：广西14个市、职改办、评审委员会、演示单位和工作日历。");
    }
    if let Some(password) = &report.demo_password {
        println!(
            "  演示账号（密码均为 {password}，登录地址 {}/login）：",
            report.url
        );
        for a in &report.demo_accounts {
            let org = a.org_name.map(|o| format!("，{o}")).unwrap_or_default();
            println!(
                "    {:<10} {}（{}{}）",
                a.login_name,
                a.display_name,
                a.role.name(),
                org
            );
        }
        if !report.demo_totp.is_empty() {
            println!(
                "  工作人员登录还需动态口令。把下列密钥加入手机验证器（如 Google Authenticator）："
            );
            for (login, secret) in &report.demo_totp {
                println!("    {login:<10} {secret}");
            }
        }
    } else if serving {
        println!(
            "  生产模式：没有内置账号。请用 `zhicheng admin create-user --login <账号> --name <姓名>` 创建管理员。"
        );
    }
    println!();
}

/// `seed-applicants`: people for a load test, each signing in with the password given.
async fn seed_applicants(config: Config, count: u64, first: u64) -> anyhow::Result<()> {
    eprintln!("请输入测试申报人的登录密码，回车结束：");
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let config = Config {
        demo: true,
        bind: "127.0.0.1:0".into(),
        ..config
    };
    let (app, _) = Application::build(&config).await?;
    let written =
        zc_services::bulk_seed::seed_applicants(&app.db(), &app.vault(), first, count, &password)
            .await
            .map_err(|e| anyhow::anyhow!("测试账号写入失败：{e:?}"))?;
    println!(
        "已写入 {written} 名测试申报人：seed{first}@example.test 至 seed{}@example.test",
        first + written.saturating_sub(1)
    );
    Ok(())
}

/// `verify-certificate`: checks a sealed text offline against a published key list.
fn verify_certificate(
    config: &Config,
    text: &str,
    keys: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let ring = match keys {
        Some(path) => {
            let json = std::fs::read_to_string(&path)
                .with_context(|| format!("无法读取公钥列表 {}", path.display()))?;
            zc_services::certificate_signing::KeyRing::from_json(&json)
                .map_err(anyhow::Error::msg)?
        }
        None => crate::certificate_keys::published(&config.keys_dir())?,
    };
    let claims = ring
        .verify(text)
        .map_err(|e| anyhow::anyhow!("查验未通过：{e}"))?;
    println!("签章有效：以下数据由本平台签发，未被改动。");
    println!("证书编号：{}", claims.number);
    println!("姓名：{}", claims.holder);
    println!("资格名称：{}（{}）", claims.title, claims.level);
    println!("取得方式：{}", claims.way);
    println!("发证单位：{}", claims.office);
    println!("发证日期：{}", claims.issued_on);
    println!("签发时状态：{}", claims.status);
    println!("注意：离线查验无法得知签发后的撤销或作废，请以在线查验（/verify）结果为准。");
    Ok(())
}
