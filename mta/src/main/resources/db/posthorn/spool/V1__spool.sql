-- The queue of several Posthorn nodes sharing one PostgreSQL database (PgSpool).

-- One row per queued message. due_at is the next attempt (2200-01-01 for a message the operator holds, as the file
-- spool's state file times); a node delivering or holding a message in memory has a lease on it until lease_until,
-- and every new lease counts lease_version up, so a node whose lease ran out cannot write over what another did.
CREATE TABLE spool_message (
    id            text        PRIMARY KEY,
    envelope      bytea       NOT NULL,
    body_length   bigint      NOT NULL,
    state         bytea,
    due_at        timestamptz NOT NULL,
    lease_node    text,
    lease_until   timestamptz,
    lease_version bigint      NOT NULL DEFAULT 0
);
CREATE INDEX spool_message_due ON spool_message (due_at, id);

-- Message bodies in chunks, read back one chunk at a time: no message is ever whole in a node's memory.
CREATE TABLE spool_body (
    id   text    NOT NULL,
    seq  integer NOT NULL,
    data bytea   NOT NULL,
    PRIMARY KEY (id, seq)
);

-- A message being received whose body outgrew one chunk: its chunks are stored before the message is; a node that
-- restarts removes its own unfinished ones.
CREATE TABLE spool_upload (
    id      text        PRIMARY KEY,
    node    text        NOT NULL,
    started timestamptz NOT NULL DEFAULT now()
);

-- The attempt history (diagnostics for the operator, never a delivery decision).
CREATE TABLE spool_history (
    id   text   NOT NULL,
    seq  bigserial,
    line text   NOT NULL,
    PRIMARY KEY (id, seq)
);
