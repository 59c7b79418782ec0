//! 职称级别 — title levels.

use serde::{Deserialize, Serialize};

/// The five levels of a professional title, lowest first. 初级 covers 员级 and 助理级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleLevel {
    /// 员级
    Yuan,
    /// 助理级
    Zhuli,
    /// 中级
    Zhongji,
    /// 副高级
    Fugao,
    /// 正高级
    Zhenggao,
}

impl TitleLevel {
    /// Every level, lowest first.
    pub const ALL: [TitleLevel; 5] = [
        Self::Yuan,
        Self::Zhuli,
        Self::Zhongji,
        Self::Fugao,
        Self::Zhenggao,
    ];

    /// The stored code (`yuan`, `zhuli`, …).
    pub fn code(self) -> &'static str {
        match self {
            Self::Yuan => "yuan",
            Self::Zhuli => "zhuli",
            Self::Zhongji => "zhongji",
            Self::Fugao => "fugao",
            Self::Zhenggao => "zhenggao",
        }
    }

    /// The Chinese name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Self::Yuan => "员级",
            Self::Zhuli => "助理级",
            Self::Zhongji => "中级",
            Self::Fugao => "副高级",
            Self::Zhenggao => "正高级",
        }
    }

    /// Rank for range checks (员级 = 1 … 正高级 = 5), as stored in committee level ranges.
    pub fn rank(self) -> i32 {
        self as i32 + 1
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The level with the given rank.
    pub fn from_rank(rank: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.rank() == rank)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_ranks_round_trip() {
        for l in TitleLevel::ALL {
            assert_eq!(TitleLevel::from_code(l.code()), Some(l));
            assert_eq!(TitleLevel::from_rank(l.rank()), Some(l));
        }
        assert_eq!(TitleLevel::Zhongji.name(), "中级");
        assert!(TitleLevel::Fugao > TitleLevel::Zhongji);
        assert_eq!(TitleLevel::from_rank(6), None);
    }
}
