-- The service's own tables, beside procrastinate's. Every statement is idempotent:
-- `rudder-activecampaign db migrate` runs this file whole, as often as it likes.

-- Every accepted message, from arrival to its outcome. `id` is the arrival order.
-- state: pending (to deliver, now or at next_attempt_at), delivered, dead (a dead letter).
CREATE TABLE IF NOT EXISTS rudder_events (
    id              bigserial PRIMARY KEY,
    source          text        NOT NULL,            -- source id (a hash of the write key)
    account         text        NOT NULL,            -- ActiveCampaign API host
    message_id      text        NOT NULL,
    identities      text[]      NOT NULL DEFAULT '{}',
    body            text        NOT NULL,            -- the message, as strict JSON text
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    state           text        NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    settled_at      timestamptz,
    status_code     integer,
    retryable       boolean,
    maybe_applied   boolean     NOT NULL DEFAULT false,
    error           text,
    field           text,
    warnings        text[]      NOT NULL DEFAULT '{}'
);

-- The backlog of one account, in arrival order (what a delivery job walks).
CREATE INDEX IF NOT EXISTS rudder_events_pending
    ON rudder_events (account, id) WHERE state = 'pending';
-- Dead letters, newest first, for `dead-letters list`.
CREATE INDEX IF NOT EXISTS rudder_events_dead
    ON rudder_events (settled_at) WHERE state = 'dead';
-- Retention: delivered events are deleted after a while.
CREATE INDEX IF NOT EXISTS rudder_events_delivered
    ON rudder_events (settled_at) WHERE state = 'delivered';

-- messageIds seen per source, for storing a repeated message once within the window.
CREATE TABLE IF NOT EXISTS rudder_message_ids (
    source      text        NOT NULL,
    message_id  text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (source, message_id)
);
CREATE INDEX IF NOT EXISTS rudder_message_ids_age ON rudder_message_ids (received_at);

-- One row per ActiveCampaign account: a pause on a configuration fault, and the request
-- budget a delivery job hands to the next (start times by the database's clock).
CREATE TABLE IF NOT EXISTS rudder_accounts (
    account            text PRIMARY KEY,
    paused_reason      text,
    paused_at          timestamptz,
    paused_fingerprint text,
    budget             jsonb NOT NULL DEFAULT '{}',
    last_delivery_at   timestamptz
);
-- Which worker process (host:pid:nonce) is delivering the account right now, if any.
ALTER TABLE rudder_accounts ADD COLUMN IF NOT EXISTS delivering_by text;

-- Counters behind /metrics, kept with the outcomes they count (one transaction), so
-- every process reports the same totals.
CREATE TABLE IF NOT EXISTS rudder_counters (
    account text   NOT NULL,
    name    text   NOT NULL,
    value   double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (account, name)
);
