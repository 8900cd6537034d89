//! A HealthDCAT-AP catalogue served over HTTP(S) as a source: its first page, conditionally;
//! when that page changed, every page it leads to, walked by the one page walker
//! ([`hdcat::PageWalk`]) and staged in `next/` as [`hdcat::write_pages`] lays them out (the
//! import reads that directory back with [`hdcat::read_dir`]).

use super::error::{SyncError, SyncResult};
use super::http::{self, Fetched, Validators};
use super::source_dir::{Fetch, SourceDir};
use super::{describe, Phase, Shared, SourceSync};
use crate::ingest::healthdcat::{self as hdcat, FetchedPage, PageWalk, WalkError};
use reqwest::Url;
use std::sync::Arc;

/// A catalogue page as the server answered it.
struct Served {
    bytes: Vec<u8>,
    /// The URL that answered (after redirects).
    url: Url,
    content_type: Option<String>,
}

impl Shared {
    /// A HealthDCAT-AP catalogue: its first page, conditionally; only when that page changed,
    /// every page it leads to, staged in `next/` as [`hdcat::write_pages`] lays them out
    /// (the import reads that directory back with [`hdcat::read_dir`]).
    pub(super) async fn fetch_healthdcat(
        self: &Arc<Self>,
        label: &str,
        start: &Url,
        dir: &SourceDir,
    ) -> SyncResult<Fetch> {
        let check = dir.check(
            start.as_str(),
            hdcat::is_healthdcat_dir(&dir.mirror()),
            self.force,
        );
        let mut report = SourceSync {
            source: label.into(),
            kind: "healthdcat".into(),
            ..Default::default()
        };
        self.progress(Phase::Manifest, label, 0, 0, 0, 0);
        let (first, validators) = match self
            .net
            .fetch_small(start, check.validators(), self.opts.max_manifest_bytes)
            .await?
        {
            Fetched::NotModified => return dir.unchanged(None, report),
            Fetched::Body {
                bytes,
                validators,
                url,
                content_type,
            } => (
                Served {
                    bytes,
                    url,
                    content_type,
                },
                validators,
            ),
        };
        let sha = http::sha256_bytes(&first.bytes);
        let new_state = check.state(label, validators, sha.clone());
        // Only the first page is compared: the others are not even requested when it is the
        // same (a catalogue that changes only on a later page is seen when page 1 changes).
        if check.same(&sha) {
            return dir.unchanged(Some(new_state), report);
        }
        let pages = self.walk_pages(label, start, first).await?;
        hdcat::write_pages(&dir.next(), &pages)?;
        // The page list is bookkeeping: the counts are of pages.
        dir.count_changes(&mut report, self.force, &[hdcat::PAGES_FILE])?;
        report.downloaded_files = pages.len() as u64;
        report.downloaded_bytes = pages.iter().map(|p| p.bytes.len() as u64).sum();
        Ok(dir.staged(new_state, report))
    }

    /// Follows a collection from its first page (already fetched) with the one page walker,
    /// [`hdcat::PageWalk`]: every page is parsed as it arrives, so that a bad page fails the
    /// sync with its URL before anything is staged; a loop, more than `max_pages` pages, more
    /// than `max_total_bytes` in all, or no `dcat:Dataset` at all is an error. Every next-page
    /// URL also goes through the transport rules.
    async fn walk_pages(
        self: &Arc<Self>,
        label: &str,
        start: &Url,
        first: Served,
    ) -> SyncResult<Vec<FetchedPage>> {
        let mut walk = PageWalk::new(
            start.as_str(),
            self.opts.max_pages,
            self.opts.max_total_bytes,
        );
        let mut served = Some(first);
        let mut url = start.clone();
        loop {
            let page = match served.take() {
                Some(p) => p,
                None => match self
                    .net
                    .fetch_small(&url, &Validators::default(), self.opts.max_manifest_bytes)
                    .await?
                {
                    // Asked without validators, so `http` already made a 304 an error.
                    Fetched::NotModified => {
                        return Err(SyncError::Status {
                            url: url.to_string(),
                            status: 304,
                        })
                    }
                    Fetched::Body {
                        bytes,
                        url,
                        content_type,
                        ..
                    } => Served {
                        bytes,
                        url,
                        content_type,
                    },
                },
            };
            let here = page.url.to_string();
            let next = walk
                .add(&here, page.content_type.as_deref(), page.bytes)
                .map_err(walk_error)?;
            let n = walk.pages().len() as u64;
            self.progress(
                Phase::Download,
                label,
                n,
                n + u64::from(next.is_some()),
                walk.bytes(),
                0,
            );
            let Some(next) = next else { break };
            url = Url::parse(&next).map_err(|e| SyncError::Catalogue {
                url: here.clone(),
                message: format!("the next page `{next}` is not a URL: {e}"),
            })?;
            // Checked here too (the request would refuse it) to say which page pointed there.
            http::check_url(&url).map_err(|e| match e {
                SyncError::Refused { url, message } => SyncError::Refused {
                    url,
                    message: format!("{message} (the next page announced by {here})"),
                },
                e => e,
            })?;
        }
        walk.finish().map_err(walk_error)
    }
}

/// A page walk's error as a sync error naming the page (or the collection's first page).
fn walk_error(e: WalkError) -> SyncError {
    match e {
        WalkError::Page { url, error } => SyncError::Catalogue {
            url,
            message: describe(error),
        },
        WalkError::TooLarge { url, message } => SyncError::TooLarge { url, message },
        WalkError::Collection { url, message } => SyncError::Catalogue { url, message },
    }
}
