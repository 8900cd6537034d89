//! A counting gate on the searches running at once. Each search holds some memory and a core
//! while it runs; past the limit a search is refused at once ([`Error::Overloaded`], 503)
//! rather than queued, so that a burst of requests cannot pile up memory behind a busy server.

use crate::{Error, Result};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many searches may run at once: twice the cores, and at least 8, so that a person typing
/// fast (a search per keystroke, each a millisecond or two) never meets the limit.
pub(crate) fn default_limit() -> usize {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    (2 * cores).max(8)
}

/// The gate: a count of the searches inside and the most allowed.
#[derive(Debug)]
pub(crate) struct Gate {
    inside: AtomicUsize,
    limit: usize,
}

/// A place inside the gate, given back when dropped (also on error or panic).
#[derive(Debug)]
pub(crate) struct Pass<'a>(&'a Gate);

impl Gate {
    pub(crate) fn new(limit: usize) -> Self {
        Gate {
            inside: AtomicUsize::new(0),
            limit: limit.max(1),
        }
    }

    /// The most searches allowed at once.
    #[cfg(test)]
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Enters, or refuses at once when the gate is full.
    pub(crate) fn enter(&self) -> Result<Pass<'_>> {
        self.inside
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.limit).then_some(n + 1)
            })
            .map(|_| Pass(self))
            .map_err(|_| {
                Error::Overloaded(format!(
                    "{} searches are already running (the most at once); try again in a moment",
                    self.limit
                ))
            })
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        self.0.inside.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_when_full_and_reopens_when_a_pass_is_dropped() {
        let g = Gate::new(2);
        let a = g.enter().unwrap();
        let _b = g.enter().unwrap();
        let e = g.enter().unwrap_err();
        assert!(matches!(e, Error::Overloaded(_)), "{e}");
        assert_eq!(e.status(), 503);
        assert!(e.to_string().contains("2 searches"), "{e}");
        drop(a);
        let _c = g.enter().unwrap();
    }
}
