/*
 * migrations.c — the host store's schema. Index i brings the store from user_version i to
 * i+1. Never edit a published step: append a new one.
 */
#include "migrations.h"

const char *const host_migrations[] = {
    /* 1: the first schema, with the main server and the main administrator. */
    "CREATE TABLE servers(name TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN "
    "('main','virtual')), parent TEXT REFERENCES servers(name), background INTEGER NOT NULL "
    "DEFAULT 1);"
    "CREATE TABLE users(name TEXT PRIMARY KEY, language TEXT NOT NULL DEFAULT 'en', "
    "main_admin INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE roles(name TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', preset TEXT);"
    "CREATE TABLE role_rights(role TEXT NOT NULL REFERENCES roles(name), area TEXT NOT NULL, "
    "allow INTEGER NOT NULL, PRIMARY KEY(role, area));"
    /* server '' = the grant holds on every server */
    "CREATE TABLE grants(user TEXT NOT NULL REFERENCES users(name), role TEXT NOT NULL "
    "REFERENCES roles(name), server TEXT NOT NULL DEFAULT '', PRIMARY KEY(user, role, server));"
    /* apps: the compact encoding of devices.c (applications and their components) */
    "CREATE TABLE devices(id TEXT PRIMARY KEY, name TEXT NOT NULL, grp TEXT NOT NULL, "
    "server TEXT NOT NULL REFERENCES servers(name), tenant TEXT NOT NULL DEFAULT '', "
    "mdr_state TEXT NOT NULL, self_defense INTEGER NOT NULL, apps TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX devices_by_server ON devices(server);"
    "CREATE TABLE ksn_settings(server TEXT PRIMARY KEY REFERENCES servers(name), "
    "ksn_enabled INTEGER NOT NULL DEFAULT 0, kpsn_enabled INTEGER NOT NULL DEFAULT 0, "
    "file BLOB, version TEXT, expires_ms INTEGER, installed_at INTEGER, installed_by TEXT, "
    "sha256 TEXT);"
    "CREATE TABLE ksn_history(id INTEGER PRIMARY KEY, server TEXT NOT NULL, version TEXT NOT "
    "NULL, expires_ms INTEGER NOT NULL, installed_at INTEGER NOT NULL, installed_by TEXT NOT "
    "NULL, sha256 TEXT NOT NULL);"
    "CREATE TABLE license_keys(id TEXT PRIMARY KEY, product TEXT NOT NULL, code TEXT NOT NULL "
    "UNIQUE, expires_ms INTEGER, added_at INTEGER NOT NULL);"
    "CREATE TABLE notifications(id INTEGER PRIMARY KEY, user TEXT NOT NULL REFERENCES "
    "users(name), severity INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, "
    "created_ms INTEGER NOT NULL, read INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX notifications_by_user ON notifications(user, read);"
    "CREATE TABLE clock(id INTEGER PRIMARY KEY CHECK(id = 1), offset_ms INTEGER NOT NULL);"
    "INSERT INTO clock VALUES(1, 0);"
    "INSERT INTO servers(name, kind) VALUES('main', 'main');"
    "INSERT INTO ksn_settings(server) VALUES('main');"
    "INSERT INTO users(name, language, main_admin) VALUES('admin', 'en', 1);",
    /* 2: the inventory's revision (services->devices_revision), moved by every write to
     * devices whatever its path; it starts at a random value so that a store created anew
     * does not repeat a revision a module remembers. */
    "CREATE TABLE device_revision(id INTEGER PRIMARY KEY CHECK(id = 1), value INTEGER NOT NULL);"
    "INSERT INTO device_revision VALUES(1, 1 + abs(random() % 4611686018427387903));"
    "CREATE TRIGGER devices_revision_insert AFTER INSERT ON devices BEGIN "
    "UPDATE device_revision SET value = value + 1 WHERE id = 1; END;"
    "CREATE TRIGGER devices_revision_update AFTER UPDATE ON devices BEGIN "
    "UPDATE device_revision SET value = value + 1 WHERE id = 1; END;"
    "CREATE TRIGGER devices_revision_delete AFTER DELETE ON devices BEGIN "
    "UPDATE device_revision SET value = value + 1 WHERE id = 1; END;",
    /* 3: the audit trail (services->audit, ABI 1.2, and the host's rights refusals):
     * append-only, the triggers refuse any change or removal of a record. */
    "CREATE TABLE audit(seq INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, "
    "module TEXT NOT NULL, user TEXT NOT NULL, server TEXT, action TEXT NOT NULL, "
    "result TEXT NOT NULL, record TEXT NOT NULL);"
    "CREATE INDEX audit_by_user ON audit(user, seq);"
    "CREATE INDEX audit_by_time ON audit(time_ms);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    /* 4: what kind of console this host plays (services->console_kind, ABI 1.3): the help
     * rules some features out of a cloud console's trial workspace. */
    "CREATE TABLE console(id INTEGER PRIMARY KEY CHECK(id = 1), kind TEXT NOT NULL "
    "CHECK(kind IN ('on_premises','cloud','cloud_trial')));"
    "INSERT INTO console VALUES(1, 'on_premises');",
    /* 5: the web console (ksc-host serve): console users' password hashes (PBKDF2, never the
     * password), sign-in failures for the slow-down and lockout, and web sessions keyed by
     * the SHA-256 of the cookie (the cookie itself is never stored). */
    "CREATE TABLE web_passwords(user TEXT PRIMARY KEY REFERENCES users(name), "
    "algorithm TEXT NOT NULL, iterations INTEGER NOT NULL, salt BLOB NOT NULL, "
    "hash BLOB NOT NULL, changed_ms INTEGER NOT NULL);"
    "CREATE TABLE web_sign_in_failures(user TEXT PRIMARY KEY, failures INTEGER NOT NULL, "
    "last_ms INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE web_sessions(id_sha256 TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES "
    "users(name), server TEXT NOT NULL, lang TEXT NOT NULL, created_ms INTEGER NOT NULL, "
    "last_ms INTEGER NOT NULL);"
    "CREATE INDEX web_sessions_by_user ON web_sessions(user);",
};

const size_t host_migration_count = sizeof host_migrations / sizeof host_migrations[0];
