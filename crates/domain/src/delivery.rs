//! 邮寄 and 领取证书 — how an issued certificate reaches its holder: collected at the office
//! (现场领取) or mailed by EMS (邮寄证书) to an address the holder gives, for a postage paid
//! through 费用管理. The address is checked here; where a delivery stands is read from
//! what has happened to it.

use crate::payment::OrderStatus;

crate::stored_code! {
    /// 领取方式.
    pub enum DeliveryMethod {
        /// 现场领取
        Collect => ("collect", "现场领取"),
        /// 邮寄证书
        Mail => ("mail", "邮寄证书"),
    }
}

/// 省市区's first level: Guangxi first, then every other province-level division.
pub const PROVINCES: &[&str] = &[
    "广西壮族自治区",
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "台湾省",
    "香港特别行政区",
    "澳门特别行政区",
];

/// A mailing address as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub recipient: String,
    pub province: String,
    pub city: String,
    pub address: String,
    pub phone: String,
    pub postcode: String,
}

/// What is wrong with an address, field by field, in the words shown beside each.
pub fn address_errors(a: &Address) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    let chars = |s: &str| s.trim().chars().count();
    if chars(&a.recipient) == 0 {
        errors.push(("recipient", "请填写收件人".to_string()));
    } else if chars(&a.recipient) > 20 {
        errors.push(("recipient", "收件人不能超过20个字".to_string()));
    }
    if a.province.trim().is_empty() {
        errors.push(("province", "请选择省份".to_string()));
    } else if !PROVINCES.contains(&a.province.trim()) {
        errors.push(("province", "请从列表中选择省份".to_string()));
    }
    if chars(&a.city) == 0 {
        errors.push(("city", "请填写市、区（县）".to_string()));
    } else if chars(&a.city) > 30 {
        errors.push(("city", "市、区（县）不能超过30个字".to_string()));
    }
    match chars(&a.address) {
        0 => errors.push(("address", "请填写详细地址".to_string())),
        n if n < 5 => errors.push(("address", "详细地址太短，请写到门牌号".to_string())),
        n if n > 80 => errors.push(("address", format!("详细地址不能超过80个字（现有{n}个）"))),
        _ => {}
    }
    let phone: String = a
        .phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if phone.is_empty() {
        errors.push(("phone", "请填写联系电话".to_string()));
    } else if !(7..=13).contains(&phone.len()) || !phone.chars().all(|c| c.is_ascii_digit()) {
        errors.push(("phone", "联系电话应为手机号或带区号的固定电话".to_string()));
    }
    let postcode = a.postcode.trim();
    if !postcode.is_empty()
        && (postcode.len() != 6 || !postcode.chars().all(|c| c.is_ascii_digit()))
    {
        errors.push(("postcode", "邮编应为6位数字（可以不填）".to_string()));
    }
    errors
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// 待领取 — to be collected at the office.
    AwaitingCollection,
    /// 已领取
    Collected,
    /// 待缴邮费 — the postage order is open.
    AwaitingPostage,
    /// 邮费订单已关闭 — not paid in time; the holder chooses again.
    PostageLapsed,
    /// 待寄送 — paid (or free), waiting for EMS.
    ToSend,
    /// 已寄出 — with its tracking number.
    Sent,
}

impl DeliveryState {
    /// What a delivery has been through: its method, its postage order's status (none when
    /// the office mails for free), and whether it was sent or collected.
    pub fn of(
        method: DeliveryMethod,
        postage: Option<OrderStatus>,
        sent: bool,
        collected: bool,
    ) -> DeliveryState {
        match method {
            _ if collected => Self::Collected,
            DeliveryMethod::Collect => Self::AwaitingCollection,
            DeliveryMethod::Mail if sent => Self::Sent,
            DeliveryMethod::Mail => match postage {
                None | Some(OrderStatus::Paid) => Self::ToSend,
                Some(s) if s.payable() => Self::AwaitingPostage,
                Some(_) => Self::PostageLapsed,
            },
        }
    }

    /// The label on the holder's and the office's lists.
    pub fn label(self) -> &'static str {
        match self {
            Self::AwaitingCollection => "待领取",
            Self::Collected => "已领取",
            Self::AwaitingPostage => "待缴邮费",
            Self::PostageLapsed => "邮费订单已关闭，请重新选择领取方式",
            Self::ToSend => "待寄送",
            Self::Sent => "已寄出",
        }
    }

    /// Whether the holder may still change how they receive it.
    pub fn may_change(self) -> bool {
        matches!(
            self,
            Self::AwaitingCollection | Self::AwaitingPostage | Self::PostageLapsed
        )
    }

    /// Whether the office may enter EMS's tracking number now.
    pub fn may_send(self) -> bool {
        self == Self::ToSend
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Address {
        Address {
            recipient: "张三".into(),
            province: "广西壮族自治区".into(),
            city: "南宁市青秀区".into(),
            address: "民族大道100号3栋2单元501".into(),
            phone: "138-0077-1234".into(),
            postcode: "530022".into(),
        }
    }

    #[test]
    fn an_address_needs_a_listed_province_and_a_real_street() {
        assert!(address_errors(&good()).is_empty());
        let no_province = Address {
            province: String::new(),
            ..good()
        };
        assert_eq!(
            address_errors(&no_province),
            [("province", "请选择省份".to_string())]
        );
        let made_up = Address {
            province: "火星省".into(),
            address: "1号".into(),
            postcode: "53002".into(),
            ..good()
        };
        let fields: Vec<&str> = address_errors(&made_up).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["province", "address", "postcode"]);
        assert!(PROVINCES.len() == 34 && PROVINCES[0] == "广西壮族自治区");
    }

    #[test]
    fn a_delivery_reads_its_state_from_what_happened() {
        use DeliveryMethod::*;
        assert_eq!(
            DeliveryState::of(Collect, None, false, false),
            DeliveryState::AwaitingCollection
        );
        assert_eq!(
            DeliveryState::of(Collect, None, false, true),
            DeliveryState::Collected
        );
        assert_eq!(
            DeliveryState::of(Mail, Some(OrderStatus::Pending), false, false),
            DeliveryState::AwaitingPostage
        );
        assert_eq!(
            DeliveryState::of(Mail, Some(OrderStatus::Paid), false, false),
            DeliveryState::ToSend
        );
        assert_eq!(
            DeliveryState::of(Mail, None, false, false),
            DeliveryState::ToSend
        );
        assert_eq!(
            DeliveryState::of(Mail, Some(OrderStatus::Paid), true, false),
            DeliveryState::Sent
        );
        assert!(!DeliveryState::Sent.may_change());
        assert!(DeliveryState::AwaitingPostage.may_change());
        assert!(!DeliveryState::AwaitingPostage.may_send());
    }
}
