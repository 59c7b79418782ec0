//! 分页 — the pager: `共 N 条 · 10条/页 · ‹ 1 2 3 › · 前往 N 页`, made of plain links and
//! a GET form so it works without JavaScript. Every list page uses it.

/// Page sizes offered in the select.
pub const PER_PAGE_CHOICES: [u64; 4] = [10, 20, 50, 100];

/// One numbered link, or a gap (`…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    pub number: u64,
    pub href: String,
    pub current: bool,
    pub gap: bool,
}

/// Paging state of one list.
#[derive(Debug, Clone)]
pub struct Pager {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Path of the list page.
    pub path: String,
    /// The list's other query parameters (filters), kept on every link.
    pub params: Vec<(String, String)>,
    /// `total` is only a lower bound: more lines match than were counted.
    pub more: bool,
    /// Keyset position of the line after which the next page starts (`after=`), so that
    /// 下一页 reads as fast at page 5,000 as at page 1.
    pub next_after: Option<String>,
    /// The last page reached by its number; later pages only by 下一页 (see
    /// [`Pager::jumps_up_to`]).
    pub max_jump: Option<u64>,
    /// A page past `max_jump` was asked for by number and this page shown instead.
    pub clamped: bool,
}

impl Pager {
    /// Builds a pager; out-of-range pages and unknown sizes are clamped, never errors.
    pub fn new(
        total: u64,
        page: Option<u64>,
        per_page: Option<u64>,
        path: &str,
        params: Vec<(String, String)>,
    ) -> Self {
        let per_page = per_page
            .filter(|n| PER_PAGE_CHOICES.contains(n))
            .unwrap_or(10);
        let mut pager = Self {
            total,
            page: 1,
            per_page,
            path: path.to_string(),
            params,
            more: false,
            next_after: None,
            max_jump: None,
            clamped: false,
        };
        pager.page = page.unwrap_or(1).clamp(1, pager.pages());
        pager
    }

    /// Pages are reached by number only while they start within `rows` lines: a page
    /// further in makes the database step over every line before it (a jump to page 2,000
    /// of a 100,000-line queue took seconds). Later pages are reached by 下一页, which
    /// starts after the last line shown; a deeper page asked for by number shows the last
    /// one reachable, and says so.
    #[must_use]
    pub fn jumps_up_to(mut self, rows: u64) -> Self {
        let last = (rows / self.per_page).max(1);
        self.max_jump = Some(last);
        if self.page > last {
            self.page = last;
            self.clamped = true;
        }
        self
    }

    /// The highest page number the 前往 box accepts.
    pub fn last_jump(&self) -> u64 {
        self.max_jump
            .map_or(self.pages(), |m| m.min(self.pages()).max(1))
    }

    /// A pager over a list counted only up to `counted` lines (`more`: others follow), whose
    /// page `page` was read after a keyset position; pages past the count are reached by
    /// 下一页, which carries `next_after` on when there is a next page.
    #[must_use]
    pub fn keyset(mut self, more: bool, page: Option<u64>, next_after: Option<String>) -> Self {
        self.more = more;
        if let Some(p) = page {
            self.page = p.max(1);
        }
        self.next_after = next_after;
        self
    }

    /// Number of pages (at least 1, so an empty list still shows page 1).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    /// Rows to skip for the current page.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    /// Link to page `n`, keeping filters and page size.
    pub fn href(&self, n: u64) -> String {
        let mut q: Vec<(&str, String)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        q.push(("page", n.to_string()));
        q.push(("per_page", self.per_page.to_string()));
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        format!("{}?{}", self.path, query)
    }

    /// Previous page link, if any.
    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| self.href(self.page - 1))
    }

    /// Next page link, if any: by keyset position when the page knows it.
    pub fn next(&self) -> Option<String> {
        if self.page >= self.pages() && !(self.more && self.next_after.is_some()) {
            return None;
        }
        Some(match &self.next_after {
            Some(after) => format!(
                "{}&{}",
                self.href(self.page + 1),
                serde_urlencoded::to_string([("after", after)]).unwrap_or_default()
            ),
            None => self.href(self.page + 1),
        })
    }

    /// First, last, and two pages either side of the current one, with gaps between.
    pub fn links(&self) -> Vec<PageLink> {
        let last = self.pages().max(self.page);
        let mut out = Vec::new();
        let mut previous = 0;
        for n in 1..=last {
            let near = n + 2 >= self.page && n <= self.page + 2;
            let reachable = self.max_jump.is_none_or(|m| n <= m) || n == self.page;
            if reachable && (n == 1 || n == last || near) {
                if n > previous + 1 {
                    out.push(PageLink {
                        number: 0,
                        href: String::new(),
                        current: false,
                        gap: true,
                    });
                }
                out.push(PageLink {
                    number: n,
                    href: self.href(n),
                    current: n == self.page,
                    gap: false,
                });
                previous = n;
            }
        }
        out
    }

    /// The size choices with the current one marked.
    pub fn per_page_options(&self) -> Vec<(u64, bool)> {
        PER_PAGE_CHOICES
            .iter()
            .map(|n| (*n, *n == self.per_page))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(p: &Pager) -> Vec<String> {
        p.links()
            .iter()
            .map(|l| {
                if l.gap {
                    "…".into()
                } else {
                    l.number.to_string()
                }
            })
            .collect()
    }

    #[test]
    fn windows_around_the_current_page_with_gaps() {
        let p = Pager::new(134, Some(7), Some(10), "/x", vec![]);
        assert_eq!(p.pages(), 14);
        assert_eq!(numbers(&p), ["1", "…", "5", "6", "7", "8", "9", "…", "14"]);
        let p = Pager::new(134, Some(1), None, "/x", vec![]);
        assert_eq!(numbers(&p), ["1", "2", "3", "…", "14"]);
    }

    #[test]
    fn out_of_range_input_is_clamped() {
        let p = Pager::new(25, Some(99), Some(7), "/x", vec![]);
        assert_eq!((p.page, p.per_page, p.pages()), (3, 10, 3));
        assert_eq!(p.offset(), 20);
        assert!(p.next().is_none());
        let empty = Pager::new(0, Some(0), None, "/x", vec![]);
        assert_eq!((empty.page, empty.pages()), (1, 1));
    }

    #[test]
    fn a_bounded_count_pages_on_by_keyset() {
        let p = Pager::new(1000, Some(25), Some(50), "/q", vec![]).keyset(
            true,
            Some(25),
            Some("77.9".into()),
        );
        assert_eq!(p.page, 25, "a page past the count is kept, not clamped");
        assert_eq!(p.next().unwrap(), "/q?page=26&per_page=50&after=77.9");
        assert_eq!(numbers(&p).last().unwrap(), "25");
        let exact = Pager::new(100, Some(2), Some(50), "/q", vec![]).keyset(
            false,
            Some(2),
            Some("1.2".into()),
        );
        assert!(exact.next().is_none(), "the last page has no next page");
    }

    #[test]
    fn deep_pages_are_not_offered_by_number() {
        let p = Pager::new(100_000, Some(2000), Some(50), "/q", vec![]).jumps_up_to(5_000);
        assert_eq!((p.page, p.clamped, p.last_jump()), (100, true, 100));
        assert_eq!(numbers(&p), ["1", "…", "98", "99", "100"]);
        let shallow = Pager::new(100_000, Some(3), Some(50), "/q", vec![]).jumps_up_to(5_000);
        assert_eq!((shallow.page, shallow.clamped), (3, false));
        assert_eq!(
            numbers(&shallow).last().unwrap(),
            "5",
            "no link to page 2,000"
        );
    }

    #[test]
    fn links_keep_filters_and_size() {
        let p = Pager::new(
            60,
            Some(2),
            Some(20),
            "/office/queue",
            vec![("status".into(), "待受理".into())],
        );
        assert_eq!(
            p.href(3),
            "/office/queue?status=%E5%BE%85%E5%8F%97%E7%90%86&page=3&per_page=20"
        );
        assert_eq!(p.prev().unwrap(), p.href(1));
    }
}
