-- 003: MDR Health (plugin/health_*.c, docs/actions/health.md). The cloud's assets and a copy
-- of the console's device inventory, so that both lists are plain indexed SQLite queries.

-- Every asset that ever sent telemetry, as the last good sync saw it. The rowid is the
-- stable tie-breaker of every sort (indexes end in it implicitly).
CREATE TABLE health_assets (
    id             INTEGER PRIMARY KEY,
    asset_id       TEXT NOT NULL UNIQUE,
    host_name      TEXT NOT NULL,
    host_lc        TEXT NOT NULL,          -- lower-case host name: search and sort
    domain         TEXT NOT NULL,
    os_version     TEXT NOT NULL,
    product        TEXT NOT NULL,          -- installed_product_info, "KES 12.4.0.467"
    ksc_host_id    TEXT NOT NULL,          -- lower-case UUID of the console device, or ""
    tenant         TEXT NOT NULL,          -- "" = no tenant
    status         INTEGER NOT NULL,       -- 0 CRITICAL, 1 WARNING, 2 OK, 3 ABSENT, 4 OFFLINE
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    isolated       INTEGER NOT NULL,
    problems       TEXT NOT NULL,          -- JSON array: problems of the last 72 hours
    telemetry_loss INTEGER NOT NULL,
    -- joined from the inventory copy (health_devices) at every sync
    device_name    TEXT NOT NULL DEFAULT '',
    ksc_server     TEXT NOT NULL DEFAULT '',
    edr_agent      INTEGER NOT NULL DEFAULT 0
);
-- One index per sort column, each followed by last_seen: the default filter (the last 30
-- days) is checked inside the index, and ORDER BY column, last_seen, id walks it in order.
CREATE INDEX health_assets_host ON health_assets (host_lc, last_seen);
CREATE INDEX health_assets_domain ON health_assets (domain, last_seen);
CREATE INDEX health_assets_status ON health_assets (status, last_seen);
CREATE INDEX health_assets_last_seen ON health_assets (last_seen, host_lc);
CREATE INDEX health_assets_first_seen ON health_assets (first_seen, last_seen);
CREATE INDEX health_assets_tenant ON health_assets (tenant, last_seen);
CREATE INDEX health_assets_os ON health_assets (os_version, last_seen);
CREATE INDEX health_assets_product ON health_assets (product, last_seen);
CREATE INDEX health_assets_server ON health_assets (ksc_server, last_seen);
CREATE INDEX health_assets_isolated ON health_assets (isolated, last_seen);
CREATE INDEX health_assets_ksc_host ON health_assets (ksc_host_id);

-- The console's device inventory as the last sync copied it (services->devices_foreach).
CREATE TABLE health_devices (
    id           INTEGER PRIMARY KEY,
    device_id    TEXT NOT NULL UNIQUE,     -- lower-case UUID
    name         TEXT NOT NULL,
    name_lc      TEXT NOT NULL,
    grp          TEXT NOT NULL,
    server       TEXT NOT NULL,
    tenant       TEXT NOT NULL,
    mdr_state    INTEGER NOT NULL,         -- index of the state, see plugin/health.h
    self_defense INTEGER NOT NULL,
    epp          TEXT NOT NULL,            -- EPP applications configured for MDR, "; "-joined
    critical     TEXT NOT NULL,            -- JSON [{name, state, color}] of non-running ones
    severity     INTEGER NOT NULL,         -- 2 red, 1 yellow, 0 none: sorts the critical column
    edr_agent    INTEGER NOT NULL,
    row_hash     INTEGER NOT NULL,         -- of every field above: unchanged rows are not rewritten
    has_asset    INTEGER NOT NULL DEFAULT 0 -- 1: some asset reports it: not malfunctioning
);
CREATE INDEX health_devices_name ON health_devices (has_asset, name_lc);
CREATE INDEX health_devices_state ON health_devices (has_asset, mdr_state);
CREATE INDEX health_devices_server ON health_devices (has_asset, server);
CREATE INDEX health_devices_epp ON health_devices (has_asset, epp);
CREATE INDEX health_devices_tenant ON health_devices (has_asset, tenant);
CREATE INDEX health_devices_severity ON health_devices (has_asset, severity);

-- The dashboard widget's counts, rebuilt by every sync that changed something:
-- kind 0 = assets by status (status = 0..4), kind 1 = malfunctioning devices (status = 0).
CREATE TABLE health_summary (
    tenant TEXT NOT NULL,
    kind   INTEGER NOT NULL,
    status INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (tenant, kind, status)
) WITHOUT ROWID;
