//! Paging through a result set: pages of at most 2000, up to the smaller of
//! what the user asked for, `totalResults` and the API's 30,000 ceiling.
//! Pure bookkeeping; the client does the requests.

use crate::arxiv::atom::Feed;
use crate::arxiv::client::{MAX_PAGE_SIZE, MAX_RESULTS_PER_QUERY, PageRequest, SortBy};

/// Walks one query's result set page by page.
#[derive(Debug, Clone)]
pub struct Pager {
    search_query: String,
    sort_by: SortBy,
    descending: bool,
    page_size: u64,
    limit: u64,
    next_start: u64,
    taken: u64,
    total: Option<u64>,
    finished: bool,
}

impl Pager {
    /// A pager for `search_query` that stops after `limit` results.
    pub fn new(
        search_query: &str,
        sort_by: SortBy,
        descending: bool,
        page_size: u64,
        limit: u64,
    ) -> Pager {
        Pager {
            search_query: search_query.to_string(),
            sort_by,
            descending,
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            limit: limit.min(MAX_RESULTS_PER_QUERY),
            next_start: 0,
            taken: 0,
            total: None,
            finished: limit == 0,
        }
    }

    /// The next request to make, or `None` when done.
    pub fn next_request(&self) -> Option<PageRequest> {
        if self.finished {
            return None;
        }
        let wanted = (self.limit - self.taken).min(self.page_size);
        let room = MAX_RESULTS_PER_QUERY.saturating_sub(self.next_start);
        let max_results = wanted.min(room);
        if max_results == 0 {
            return None;
        }
        Some(PageRequest {
            search_query: self.search_query.clone(),
            id_list: Vec::new(),
            start: self.next_start,
            max_results,
            sort_by: self.sort_by,
            descending: self.descending,
        })
    }

    /// Records a page that answered `req`; returns how many of its entries
    /// to keep (the last page may hold more than the limit needs).
    pub fn record(&mut self, req: &PageRequest, feed: &Feed) -> usize {
        let got = feed.entries.len() as u64;
        let keep = got.min(self.limit - self.taken);
        self.taken += keep;
        if let Some(total) = feed.total_results {
            self.total = Some(total);
        }
        self.next_start = req.start + got;
        let past_end = match self.total {
            Some(total) => self.next_start >= total,
            None => got < req.max_results,
        };
        self.finished = got == 0
            || past_end
            || self.taken >= self.limit
            || self.next_start >= MAX_RESULTS_PER_QUERY;
        keep as usize
    }

    /// The size of the whole result set, once known (capped at what will be fetched).
    pub fn expected(&self) -> Option<u64> {
        self.total.map(|t| t.min(self.limit))
    }

    /// `totalResults` as the API reported it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Results kept so far.
    pub fn taken(&self) -> u64 {
        self.taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::Paper;

    fn feed(n: usize, total: u64) -> Feed {
        Feed {
            total_results: Some(total),
            entries: vec![Paper::default(); n],
            ..Feed::default()
        }
    }

    fn walk(page_size: u64, limit: u64, total: u64) -> Vec<(u64, u64)> {
        let mut pager = Pager::new("q", SortBy::Relevance, true, page_size, limit);
        let mut seen = Vec::new();
        while let Some(req) = pager.next_request() {
            seen.push((req.start, req.max_results));
            let available = total.saturating_sub(req.start).min(req.max_results) as usize;
            pager.record(&req, &feed(available, total));
            assert!(seen.len() < 100, "runaway paging");
        }
        seen
    }

    #[test]
    fn pages_up_to_the_limit() {
        assert_eq!(walk(10, 25, 214_881), vec![(0, 10), (10, 10), (20, 5)]);
    }

    #[test]
    fn stops_at_the_end_of_the_result_set() {
        assert_eq!(walk(10, 100, 24), vec![(0, 10), (10, 10), (20, 10)]);
        assert_eq!(walk(100, 100, 0), vec![(0, 100)]);
    }

    #[test]
    fn never_asks_for_more_than_2000_or_past_30000() {
        let pages = walk(5000, 1_000_000, 1_000_000);
        assert!(pages.iter().all(|&(_, m)| m <= 2000));
        let last = pages.last().expect("pages");
        assert_eq!(last.0 + last.1, 30_000);
        assert_eq!(pages.len(), 15);
    }

    #[test]
    fn short_pages_continue_from_what_arrived() {
        let mut pager = Pager::new("q", SortBy::Relevance, true, 10, 30);
        let first = pager.next_request().expect("first");
        assert_eq!(pager.record(&first, &feed(7, 100)), 7);
        let second = pager.next_request().expect("second");
        assert_eq!((second.start, second.max_results), (7, 10));
        assert_eq!(pager.expected(), Some(30));
    }

    #[test]
    fn an_empty_page_ends_the_walk() {
        let mut pager = Pager::new("q", SortBy::Relevance, true, 10, 30);
        let first = pager.next_request().expect("first");
        pager.record(&first, &feed(0, 100));
        assert!(pager.next_request().is_none());
    }
}
