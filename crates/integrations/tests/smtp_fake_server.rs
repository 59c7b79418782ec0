//! The SMTP mailer against a minimal local SMTP server that records what it receives.

use std::sync::{Arc, Mutex};

use base64::{Engine, engine::general_purpose::STANDARD};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};
use zc_integrations::smtp::SmtpMailer;
use zc_services::mail::Mailer;

#[derive(Default, Debug)]
struct Received {
    commands: Vec<String>,
    data: String,
}

/// Speaks just enough SMTP (RFC 5321) for one client at a time.
async fn start_fake_smtp() -> (u16, Arc<Mutex<Received>>) {
    let received = Arc::new(Mutex::new(Received::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let store = received.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            write.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                        } else {
                            let mut r = store.lock().unwrap();
                            r.data.push_str(&line);
                            r.data.push('\n');
                        }
                        continue;
                    }
                    store.lock().unwrap().commands.push(line.clone());
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-fake.test\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 end with .\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn a_chinese_message_arrives_intact_through_smtp() {
    let (port, received) = start_fake_smtp().await;
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "广西职称 <noreply@zhicheng.example>",
    )
    .unwrap();
    let body = "您好：\n请在30分钟内点击链接重设密码。";
    mailer
        .deliver("zhangsan@example.com", "重设广西职称平台登录密码", body)
        .await
        .unwrap();
    let r = received.lock().unwrap();
    assert!(
        r.commands
            .iter()
            .any(|c| c.contains("MAIL FROM:<noreply@zhicheng.example>")),
        "{:?}",
        r.commands
    );
    assert!(
        r.commands
            .iter()
            .any(|c| c.contains("RCPT TO:<zhangsan@example.com>"))
    );
    let (headers, encoded) = r.data.split_once("\n\n").expect("headers then body");
    assert!(headers.contains("To: zhangsan@example.com"), "{headers}");
    assert!(headers.contains("Content-Transfer-Encoding: base64"));
    let decoded = STANDARD.decode(encoded.replace('\n', "")).unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap().replace("\r\n", "\n"),
        body
    );
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_not_a_silent_success() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "noreply@zhicheng.example",
    )
    .unwrap();
    assert!(mailer.deliver("a@example.com", "s", "b").await.is_err());
}

#[tokio::test]
async fn a_bad_sender_address_is_named_in_chinese() {
    let err = SmtpMailer::new("smtp://127.0.0.1:25", "not an address")
        .err()
        .unwrap();
    assert!(err.to_string().contains("mail_from"));
}
