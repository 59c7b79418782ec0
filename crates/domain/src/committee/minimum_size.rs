//! 评委会最低人数 — the fewest experts a meeting of a level may have (domain.md §5.2:
//! profession-level 高级 committees ≥ 11, 中级 ≥ 7, 初级 ≥ 7). A deployment sets its own
//! with `level=size` pairs, e.g. `zhenggao=25,fugao=25,zhongji=15`.

use std::collections::BTreeMap;

use crate::TitleLevel;

/// The default sizes.
pub const DEFAULT_SIZES: &str = "zhenggao=11,fugao=11,zhongji=7,zhuli=7,yuan=7";

/// Minimum sizes per level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimumSizes(BTreeMap<i32, u32>);

impl MinimumSizes {
    /// Parses `level=size` pairs; a level not named keeps its default; sizes must be odd.
    pub fn parse(text: &str) -> Result<MinimumSizes, String> {
        let mut sizes = Self::defaults().0;
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (code, size) = pair
                .split_once('=')
                .ok_or_else(|| format!("“{pair}”应写成 级别=人数"))?;
            let level = TitleLevel::ALL
                .into_iter()
                .find(|l| l.code() == code.trim())
                .ok_or_else(|| format!("未知的级别 {code}"))?;
            let size: u32 = size
                .trim()
                .parse()
                .map_err(|_| format!("“{pair}”的人数不是数字"))?;
            if size == 0 || size.is_multiple_of(2) {
                return Err(format!("{}评委会的最低人数应为单数", level.name()));
            }
            sizes.insert(level.rank(), size);
        }
        Ok(MinimumSizes(sizes))
    }

    fn defaults() -> MinimumSizes {
        let mut m = BTreeMap::new();
        for l in TitleLevel::ALL {
            let size = match l {
                TitleLevel::Zhenggao | TitleLevel::Fugao => 11,
                _ => 7,
            };
            m.insert(l.rank(), size);
        }
        MinimumSizes(m)
    }

    /// The minimum for a level rank.
    pub fn of(&self, level_rank: i32) -> u32 {
        self.0.get(&level_rank).copied().unwrap_or(7)
    }
}

impl Default for MinimumSizes {
    fn default() -> Self {
        Self::defaults()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let d = MinimumSizes::parse(DEFAULT_SIZES).unwrap();
        assert_eq!(d.of(TitleLevel::Zhenggao.rank()), 11);
        assert_eq!(d.of(TitleLevel::Zhongji.rank()), 7);
        let custom = MinimumSizes::parse("zhenggao=25, zhongji=15").unwrap();
        assert_eq!(custom.of(TitleLevel::Zhenggao.rank()), 25);
        assert_eq!(
            custom.of(TitleLevel::Fugao.rank()),
            11,
            "not named keeps its default"
        );
        assert!(MinimumSizes::parse("zhongji=8").is_err(), "even");
        assert!(MinimumSizes::parse("gaoji=9").is_err());
    }
}
