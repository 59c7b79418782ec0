//! 外部接口 — transports that leave the machine: Alipay, the Aliyun SMS API and SMTP mail.
//!
//! Both plug in behind the traits of `zc-services` (`SmsSender`, `Mailer`), so the outbox
//! defaults and these real transports are interchangeable by configuration.

pub mod alipay;
pub mod aliyun_sms;
pub mod smtp;
