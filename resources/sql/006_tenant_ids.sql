-- 006: visibility by tenant id (issue 12). The cloud's assets and the console's devices name
-- their tenant; grants hold tenant ids. MDR Health resolves one to the other through the
-- tenants as the cloud listed them at the last good sync (tenants/list, read by every sync
-- and written in the same transaction as the assets), so a rename in the cloud never moves
-- assets between users: the names stored with the assets and this map always agree.
CREATE TABLE health_tenants (
    tenant_id TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL -- as the cloud spells it; names are unique regardless of case
) WITHOUT ROWID;
CREATE INDEX health_tenants_name ON health_tenants (name COLLATE NOCASE);

-- tenant_access_grants.tenant_name is from now on a label for mdr.tenants.grants only
-- (kept current by tenant lists and edits); no visibility check reads it.
