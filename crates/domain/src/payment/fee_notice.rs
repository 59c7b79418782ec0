//! What 我要申报 says about a committee's fees beside each choice, so a person knows
//! before they apply whether and how much they will pay online.

use super::Fen;

/// The sentence beside a choice: online with the amount, online with the amount not yet
/// set, or not online at all.
pub fn fee_notice(charges_online: bool, fee_fen: i64) -> String {
    match (charges_online, fee_fen) {
        (true, fen) if fen > 0 => format!("网上缴费：初审通过后在“费用管理”缴纳 {} 元", Fen(fen)),
        (true, _) => "网上缴费：初审通过后缴纳，收费标准以评审会公布为准".to_string(),
        (false, _) => "不在网上收费：如需缴费，按评审会通知办理".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_says_whether_and_how_much() {
        assert_eq!(
            fee_notice(true, 28_000),
            "网上缴费：初审通过后在“费用管理”缴纳 280.00 元"
        );
        assert!(fee_notice(true, 0).contains("收费标准以评审会公布为准"));
        assert!(fee_notice(false, 28_000).starts_with("不在网上收费"));
    }
}
