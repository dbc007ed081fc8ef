-- 005: crash safety.

-- KSN history: a row may now be written by reconciliation — the host holds a version the
-- module never recorded (the process died between the host's install commit and the
-- module's history commit; the host's installed version is the truth). SQLite cannot alter
-- a CHECK constraint, so the table is rebuilt with the same rows.
CREATE TABLE ksn_history_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    server       TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version > 0),
    sha256       TEXT NOT NULL,
    issued_ms    INTEGER NOT NULL, -- 0 when reconciled: the host does not keep it
    expires_ms   INTEGER NOT NULL,
    installed_ms INTEGER NOT NULL,
    installed_by TEXT NOT NULL,
    trigger      TEXT NOT NULL CHECK (trigger IN ('action', 'activation', 'login', 'reconciled')),
    UNIQUE (server, version)
);
INSERT INTO ksn_history_new (id, server, version, sha256, issued_ms, expires_ms, installed_ms,
                             installed_by, trigger)
    SELECT id, server, version, sha256, issued_ms, expires_ms, installed_ms, installed_by, trigger
    FROM ksn_history;
DROP TABLE ksn_history;
ALTER TABLE ksn_history_new RENAME TO ksn_history;
CREATE INDEX ksn_history_by_server ON ksn_history (server, version DESC);

-- A restricted user's tenant creation in flight: written (committed) before tenants/create,
-- removed with the grant in one transaction after it. A row left by a dead process is
-- settled by the next tenant list (the cloud's list is the truth): the tenant of that name
-- exists → granted to the user; it does not and the row is older than a create can take →
-- dropped.
CREATE TABLE tenant_intents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name   TEXT NOT NULL,
    tenant_name TEXT NOT NULL,
    created_ms  INTEGER NOT NULL -- host clock
);

-- The console clock minus the service's, measured at the last token exchange (the access
-- token's iat against the host clock when the answer arrived), ms. Expiries are kept in the
-- console's clock, so a skewed clock costs one refresh, not one per call.
ALTER TABLE cloud_session ADD COLUMN clock_skew_ms INTEGER NOT NULL DEFAULT 0;
