//! A small cache of search answers, one per open snapshot.
//!
//! Search as you type repeats itself: a prefix typed again after a backspace, the same query
//! sent by the list and by the page it opens. An answer depends only on the request and on the
//! snapshot (an immutable index, its mined acronyms and whether the synonym layer is on, all
//! fixed when the snapshot is opened), so the cache lives beside the snapshot's searcher: a new
//! snapshot comes with an empty cache and the old one goes with its snapshot. The key is the
//! whole request (query as typed, kind, every filter, limit, grouping, `explain`); errors are
//! never kept. Bounded in entries and in bytes; the least recently used entry goes first.
//! `HUBLOT_SEARCH_CACHE=off` turns it off (to measure the search itself).

use super::query::{SearchRequest, SearchResponse};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most answers kept.
const MAX_ENTRIES: usize = 512;
/// The most bytes kept (an estimate of the answers' strings); about 4 KiB an answer of 20 hits.
const MAX_BYTES: usize = 8 << 20;

/// Everything a [`SearchRequest`] says that changes its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    q: String,
    kind: Option<String>,
    base: Option<String>,
    produit: Option<String>,
    table: Option<String>,
    nomenclature: Option<String>,
    limit: usize,
    no_group: bool,
    explain: bool,
}

impl Key {
    pub(crate) fn of(req: &SearchRequest, limit: usize) -> Key {
        Key {
            q: req.q.clone(),
            kind: req.kind.clone(),
            base: req.base.clone(),
            produit: req.produit.clone(),
            table: req.table.clone(),
            nomenclature: req.nomenclature.clone(),
            limit,
            no_group: req.no_group,
            explain: req.explain,
        }
    }

    fn bytes(&self) -> usize {
        std::mem::size_of::<Key>()
            + self.q.len()
            + [
                &self.kind,
                &self.base,
                &self.produit,
                &self.table,
                &self.nomenclature,
            ]
            .iter()
            .map(|v| v.as_ref().map_or(0, String::len))
            .sum::<usize>()
    }
}

struct Entry {
    answer: Arc<SearchResponse>,
    bytes: usize,
    used: u64,
}

#[derive(Default)]
struct Inner {
    map: HashMap<Key, Entry>,
    bytes: usize,
    tick: u64,
}

/// The cache of one snapshot.
pub(crate) struct Cache {
    on: bool,
    inner: Mutex<Inner>,
}

impl Cache {
    /// On unless `HUBLOT_SEARCH_CACHE=off`.
    pub(crate) fn from_env() -> Cache {
        Cache::new(std::env::var("HUBLOT_SEARCH_CACHE").as_deref() != Ok("off"))
    }

    pub(crate) fn new(on: bool) -> Cache {
        Cache {
            on,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub(crate) fn is_on(&self) -> bool {
        self.on
    }

    pub(crate) fn get(&self, key: &Key) -> Option<Arc<SearchResponse>> {
        if !self.on {
            return None;
        }
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.tick += 1;
        let tick = g.tick;
        g.map.get_mut(key).map(|e| {
            e.used = tick;
            e.answer.clone()
        })
    }

    pub(crate) fn put(&self, key: Key, answer: Arc<SearchResponse>) {
        if !self.on {
            return;
        }
        let bytes = key.bytes() + answer_bytes(&answer);
        if bytes > MAX_BYTES / 8 {
            return;
        }
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.tick += 1;
        let used = g.tick;
        if let Some(old) = g.map.remove(&key) {
            g.bytes -= old.bytes;
        }
        while !g.map.is_empty() && (g.map.len() >= MAX_ENTRIES || g.bytes + bytes > MAX_BYTES) {
            // The least recently used: a scan of at most MAX_ENTRIES, only when full.
            let oldest = g
                .map
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
                .expect("not empty");
            if let Some(e) = g.map.remove(&oldest) {
                g.bytes -= e.bytes;
            }
        }
        g.bytes += bytes;
        g.map.insert(
            key,
            Entry {
                answer,
                bytes,
                used,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap().map.len()
    }
}

/// An estimate of the memory an answer holds: its strings and a fixed cost per hit.
fn answer_bytes(r: &SearchResponse) -> usize {
    let s = |o: &Option<String>| o.as_ref().map_or(0, String::len);
    std::mem::size_of::<SearchResponse>()
        + r.query.len()
        + r.terms.iter().map(|t| t.len() + 24).sum::<usize>()
        + r.kinds.len() * 48
        + r.hits
            .iter()
            .map(|h| {
                std::mem::size_of_val(h)
                    + h.kind.len()
                    + h.id.len()
                    + h.title.len()
                    + s(&h.name)
                    + s(&h.table)
                    + s(&h.nomenclature)
                    + s(&h.code)
                    + s(&h.label)
                    + s(&h.path)
                    + s(&h.base)
                    + s(&h.produit)
                    + h.also_in.iter().map(|t| t.len() + 24).sum::<usize>()
                    + h.why
                        .iter()
                        .map(|w| {
                            96 + w.term.len()
                                + w.via.len()
                                + s(&w.from)
                                + s(&w.source)
                                + w.fields.iter().map(|f| f.len() + 24).sum::<usize>()
                        })
                        .sum::<usize>()
            })
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(q: &str) -> Arc<SearchResponse> {
        Arc::new(SearchResponse {
            query: q.into(),
            total: 0,
            took_ms: 0.0,
            hits: vec![],
            kinds: vec![],
            terms: vec![],
            fuzzy: false,
        })
    }

    fn req(q: &str) -> SearchRequest {
        SearchRequest {
            q: q.into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_part_of_the_request_is_in_the_key() {
        let c = Cache::new(true);
        c.put(Key::of(&req("sexe"), 20), answer("sexe"));
        assert!(c.get(&Key::of(&req("sexe"), 20)).is_some());
        // Another limit, kind, filter, grouping, explain, or a trailing space: another answer.
        assert!(c.get(&Key::of(&req("sexe"), 10)).is_none());
        assert!(c.get(&Key::of(&req("sexe "), 20)).is_none());
        for r in [
            SearchRequest {
                kind: Some("code".into()),
                ..req("sexe")
            },
            SearchRequest {
                base: Some("dcir".into()),
                ..req("sexe")
            },
            SearchRequest {
                produit: Some("x".into()),
                ..req("sexe")
            },
            SearchRequest {
                table: Some("IR_BEN_R".into()),
                ..req("sexe")
            },
            SearchRequest {
                nomenclature: Some("IR_SEX_V".into()),
                ..req("sexe")
            },
            SearchRequest {
                no_group: true,
                ..req("sexe")
            },
            SearchRequest {
                explain: true,
                ..req("sexe")
            },
        ] {
            assert!(c.get(&Key::of(&r, 20)).is_none(), "{r:?}");
        }
    }

    #[test]
    fn bounded_and_least_recently_used_goes_first() {
        let c = Cache::new(true);
        for i in 0..MAX_ENTRIES {
            c.put(Key::of(&req(&format!("q{i}")), 20), answer("x"));
        }
        // q0 used again: q1 is now the oldest.
        assert!(c.get(&Key::of(&req("q0"), 20)).is_some());
        c.put(Key::of(&req("new"), 20), answer("x"));
        assert_eq!(c.len(), MAX_ENTRIES);
        assert!(c.get(&Key::of(&req("q0"), 20)).is_some());
        assert!(c.get(&Key::of(&req("q1"), 20)).is_none());
        assert!(c.get(&Key::of(&req("new"), 20)).is_some());
    }

    #[test]
    fn off_keeps_nothing() {
        let c = Cache::new(false);
        c.put(Key::of(&req("sexe"), 20), answer("sexe"));
        assert!(c.get(&Key::of(&req("sexe"), 20)).is_none());
        assert!(!c.is_on());
    }
}
