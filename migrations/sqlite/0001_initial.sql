-- The SQLite twin of postgres/0001_initial.sql (CONTRACT.md E1: equivalent schemas). UUIDs and hex digests are
-- TEXT, byte strings BLOB; one process serves a file, so cache invalidation needs no triggers here.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER
) STRICT;

CREATE TABLE tokens (
    digest TEXT PRIMARY KEY,
    hmac_key_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER
) STRICT;
CREATE INDEX tokens_user_id ON tokens (user_id);
CREATE INDEX tokens_hmac_key_id ON tokens (hmac_key_id);

CREATE TABLE provider_keys (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    nonce BLOB NOT NULL,
    key_version TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, provider)
) STRICT;
CREATE INDEX provider_keys_key_version ON provider_keys (key_version);

CREATE TABLE secret_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    ciphertext BLOB NOT NULL,
    nonce BLOB NOT NULL,
    key_version TEXT NOT NULL
) STRICT;

CREATE TABLE request_records (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT,
    status INTEGER NOT NULL,
    latency_ms INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX request_records_user_id ON request_records (user_id);
CREATE INDEX request_records_app_id_created_at ON request_records (app_id, created_at);
CREATE INDEX request_records_created_at ON request_records (created_at);
