-- 002: the cloud session, the activation steps taken from this console, and the history of
-- KSN configuration files installed by the module.

-- The one session with the MDR cloud (a single row, id = 1): the plug-in's own API
-- connection (client_id) and its tokens, sealed with the module's key (plugin/secret.c;
-- names "cloud.session.access" and "cloud.session.refresh"). sign_in_required = 1 says
-- plainly that the refresh token was refused and a user must sign in again.
CREATE TABLE cloud_session (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    client_id         TEXT NOT NULL,
    account_login     TEXT NOT NULL DEFAULT '',
    organization_id   TEXT NOT NULL DEFAULT '',
    organization_name TEXT NOT NULL DEFAULT '',
    access_sealed     BLOB,
    access_expires_ms INTEGER NOT NULL DEFAULT 0,
    refresh_sealed    BLOB,
    sign_in_required  INTEGER NOT NULL DEFAULT 0 CHECK (sign_in_required IN (0, 1)),
    signed_in_by      TEXT NOT NULL DEFAULT '',
    signed_in_ms      INTEGER NOT NULL DEFAULT 0,
    updated_ms        INTEGER NOT NULL DEFAULT 0
);

-- Activation steps (who did what, when): an audit trail for MDR Usage and support.
CREATE TABLE activation_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms   INTEGER NOT NULL,
    user    TEXT NOT NULL,
    server  TEXT NOT NULL,
    step    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);

-- Every KSN configuration file the module installed, per Administration Server.
CREATE TABLE ksn_history (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    server       TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version > 0),
    sha256       TEXT NOT NULL,
    issued_ms    INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL,
    installed_ms INTEGER NOT NULL,
    installed_by TEXT NOT NULL,
    trigger      TEXT NOT NULL CHECK (trigger IN ('action', 'activation', 'login')),
    UNIQUE (server, version)
);
CREATE INDEX ksn_history_by_server ON ksn_history (server, version DESC);
