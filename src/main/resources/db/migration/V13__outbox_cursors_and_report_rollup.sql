-- The durable outbox (DESIGN "Domain events"): every consumer of the event log outside the
-- replica's own sockets (report roll-ups now; webhooks and channel adapters later) keeps its
-- own cursor here, the (tx, id) of the last event it was handed, and reads on from there in
-- (tx, id) order, below pg_snapshot_xmin (see V11). Delivery is at least once: the cursor
-- moves after the consumer took the batch, so a replica that dies in between leaves the batch
-- to be handed again, and receivers use the event id as their idempotency key.
-- One replica runs a consumer at a time: the one holding its lease, renewed at every round;
-- when that replica dies the lease runs out and another takes the consumer over.
create table outbox_cursors (
    consumer    text primary key,
    tx          xid8 not null default '0',
    id          bigint not null default 0,
    lease_owner text,
    lease_until timestamptz,
    moved_at    timestamptz
);

-- The report roll-up (FEATURES D1-D3): per conversation, the facts reports count, kept up to
-- date from the event log by the outbox consumer 'report-rollup'.
create table report_conversation_facts (
    conversation_id   uuid primary key,
    tenant_id         uuid not null,
    queued_at         timestamptz,
    first_assigned_at timestamptz,
    first_agent_id    uuid,
    assignments       int not null default 0,
    reassignments     int not null default 0,
    transfers         int not null default 0,
    closed_at         timestamptz,
    close_reason      text,
    rating            int
);
create index report_conversation_facts_tenant_idx on report_conversation_facts (tenant_id, closed_at);

-- The events the roll-up applied, by id, written in the same transaction as their effect: a
-- batch handed again after a replica died changes nothing the second time.
create table report_applied_events (
    event_id   bigint primary key,
    applied_at timestamptz not null default now()
);
