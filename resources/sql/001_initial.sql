-- 001: the module's first schema. Later issues add NNN_name.sql files; each runs once, in
-- its own transaction, and PRAGMA user_version records the last one applied.

-- Plain module settings (key → text), e.g. activation state, last sync times.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Secrets sealed with AES-256-GCM (plugin/secret.c): never stored in clear.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY NOT NULL,
    sealed     BLOB NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
