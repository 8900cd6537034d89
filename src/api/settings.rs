//! User settings and system information.

use super::ops::{op, operation_infos, Caller, NoArgs, Operation, OperationInfo};
use super::Hublot;
use crate::build::SnapshotInfo;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Request of `settings.set`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SettingsSet {
    /// The setting (`ui.lang`, `sync.sources`…).
    pub key: String,
    /// Its new value.
    pub value: String,
}

/// Settings that decide whom this machine trusts or which server it contacts: the pinned
/// publisher key of verified syncs, and the DOI resolver that `cite.refresh` fetches from (a
/// page reaching `hublot serve` could otherwise point it at a private address and read the
/// answer back in a citation).
pub const LOCAL_SETTINGS: &[&str] = &[
    crate::sync::SETTING_PUBLISHER_KEY,
    crate::cite::doiorg::RESOLVER_SETTING,
];

/// Answer of `system.version`: one shape for every front end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionInfo {
    /// Always `hublot`.
    pub name: String,
    /// The package version (`0.3.0`).
    pub version: String,
    /// Snapshot format this build reads and writes.
    pub snapshot_format: u32,
    /// catalogue.sqlite schema version.
    pub catalogue_schema: u32,
    /// Search index layout version.
    pub index_format: u32,
    /// user.sqlite schema version.
    pub user_schema: u32,
}

/// Answer of `system.snapshot`: the active snapshot and where the data lives.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SystemSnapshot {
    /// The active snapshot.
    #[serde(flatten)]
    pub snapshot: SnapshotInfo,
    /// The data directory.
    pub data_dir: String,
}

/// The versions of this build.
pub fn version_info() -> VersionInfo {
    VersionInfo {
        name: "hublot".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        snapshot_format: crate::SNAPSHOT_FORMAT_VERSION,
        catalogue_schema: crate::store::CATALOGUE_SCHEMA_VERSION,
        index_format: crate::search::INDEX_FORMAT_VERSION,
        user_schema: crate::store::user_db::USER_SCHEMA_VERSION,
    }
}

impl Hublot {
    /// `settings.get`: every user setting.
    pub fn settings(&self) -> Result<Vec<(String, String)>> {
        self.user.lock().expect("lock").settings()
    }

    /// `settings.set`: sets a user setting (kept in user.sqlite, never touched by imports).
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.user.lock().expect("lock").set_setting(key, value)
    }

    /// `settings.set` for `caller`: a network caller may not change [`LOCAL_SETTINGS`].
    pub fn set_setting_as(&self, key: &str, value: &str, caller: Caller) -> Result<()> {
        if caller == Caller::Network && LOCAL_SETTINGS.contains(&key.trim()) {
            return Err(Error::Forbidden(format!(
                "the setting `{}` is changed from the hublot command line or the desktop app only",
                key.escape_debug()
            )));
        }
        self.set_setting(key, value)
    }

    /// `system.snapshot`: the active snapshot and the data directory.
    pub fn system_snapshot(&self) -> Result<SystemSnapshot> {
        Ok(SystemSnapshot {
            snapshot: self.snapshot()?,
            data_dir: self.data_dir().display().to_string(),
        })
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("settings.get", Read, page "/api/settings", "Every user setting as (key, value).",
        |h, _c, _r: NoArgs| -> Vec<(String, String)> { h.settings() }),
    op!(
        "settings.set",
        Write,
        "Sets a user setting (kept in user.sqlite, never touched by imports or syncs).",
        |h, c, r: SettingsSet| -> Vec<(String, String)> {
            h.set_setting_as(&r.key, &r.value, c)
                .and_then(|()| h.settings())
        }
    ),
    op!("system.version", Read, page "/api/-/version", "Versions: Hublot, snapshot format, catalogue schema, index layout, user schema.",
        |_h, _c, _r: NoArgs| -> VersionInfo { Ok::<_, crate::Error>(version_info()) }),
    op!("system.snapshot", Read, page "/api/-/snapshot", "The active snapshot and the data directory.",
        |h, _c, _r: NoArgs| -> SystemSnapshot { h.system_snapshot() }),
    op!("system.operations", Read, page "/api/-/operations", "Every operation: access, paths, methods, types.",
        |_h, _c, _r: NoArgs| -> Vec<OperationInfo> { Ok::<_, crate::Error>(operation_infos()) }),
];
