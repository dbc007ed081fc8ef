-- 004: licenses and tenants (plugin/license_cache.c, plugin/tenant_access.c).

-- The organization's licenses as the cloud last listed them (licenses/list, all). The
-- Licenses tab reads this; the periodic timer and mdr.licenses.refresh renew it, and every
-- add/remove rewrites it, so a subscription change or an expiry shows on the next refresh.
CREATE TABLE license_cache (
    license_id TEXT PRIMARY KEY NOT NULL,
    position   INTEGER NOT NULL, -- order of the cloud's list
    status     TEXT NOT NULL,   -- the cloud's status when seen
    body       TEXT NOT NULL,   -- the cloud's license object (JSON)
    seen_ms    INTEGER NOT NULL -- host clock
) WITHOUT ROWID;

-- Per-user tenant visibility. A user with no row here sees every tenant and the assets
-- without a tenant; a user with a row sees only the tenants listed for them in
-- tenant_access_grants, and the assets without a tenant ("Root without tenants") when root = 1.
CREATE TABLE tenant_access (
    user_name  TEXT PRIMARY KEY NOT NULL,
    root       INTEGER NOT NULL CHECK (root IN (0, 1)),
    granted_by TEXT NOT NULL,
    granted_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tenant_access_grants (
    user_name   TEXT NOT NULL REFERENCES tenant_access (user_name) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    tenant_name TEXT NOT NULL, -- kept current by every tenant list, update and delete
    PRIMARY KEY (user_name, tenant_id)
) WITHOUT ROWID;

CREATE INDEX tenant_access_grants_by_tenant ON tenant_access_grants (tenant_id);
