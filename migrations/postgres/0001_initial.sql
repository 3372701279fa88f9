-- Users, token digests, encrypted provider keys, the secret check and request records (CONTRACT.md §8.1).
-- Times are milliseconds since the Unix epoch. Deleting a user removes everything of theirs (§2.3).

CREATE TABLE users (
    id uuid PRIMARY KEY,
    app_id text NOT NULL,
    created_at bigint NOT NULL,
    last_seen_at bigint
);

-- Only HMAC-SHA-256(token key, token) in hex; hmac_key_id names the key it was made with (§2.4, E9).
CREATE TABLE tokens (
    digest text PRIMARY KEY,
    hmac_key_id text NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    expires_at bigint,
    revoked_at bigint,
    last_used_at bigint
);
CREATE INDEX tokens_user_id ON tokens (user_id);
CREATE INDEX tokens_hmac_key_id ON tokens (hmac_key_id);

-- AES-256-GCM ciphertext with its tag, the 12-byte nonce and the key version (§3.5).
CREATE TABLE provider_keys (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider text NOT NULL,
    ciphertext bytea NOT NULL,
    nonce bytea NOT NULL,
    key_version text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (user_id, provider)
);
CREATE INDEX provider_keys_key_version ON provider_keys (key_version);

CREATE TABLE secret_check (
    id smallint PRIMARY KEY CHECK (id = 1),
    ciphertext bytea NOT NULL,
    nonce bytea NOT NULL,
    key_version text NOT NULL
);

CREATE TABLE request_records (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id text NOT NULL,
    provider text NOT NULL,
    model text,
    status integer NOT NULL,
    latency_ms integer NOT NULL,
    created_at bigint NOT NULL
);
CREATE INDEX request_records_user_id ON request_records (user_id);
CREATE INDEX request_records_app_id_created_at ON request_records (app_id, created_at);
CREATE INDEX request_records_created_at ON request_records (created_at);

-- Cache invalidation across replicas (§8.5, E1): every change to a user's tokens, keys or the user itself
-- notifies the channel with the user id; replicas drop that user's cached lookups.
CREATE FUNCTION byok_relay_notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('byok_relay_invalidate', OLD.id::text);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('byok_relay_invalidate', OLD.user_id::text);
    ELSE
        PERFORM pg_notify('byok_relay_invalidate', NEW.user_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_notify AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION byok_relay_notify_user_change();
-- Only changes a cached lookup depends on: usage timestamps (last_used_at) are written in hourly batches and must
-- not empty every replica's cache.
CREATE TRIGGER tokens_notify AFTER UPDATE OF digest, user_id, expires_at, revoked_at OR DELETE ON tokens
    FOR EACH ROW EXECUTE FUNCTION byok_relay_notify_user_change();
CREATE TRIGGER provider_keys_notify AFTER INSERT OR UPDATE OR DELETE ON provider_keys
    FOR EACH ROW EXECUTE FUNCTION byok_relay_notify_user_change();
