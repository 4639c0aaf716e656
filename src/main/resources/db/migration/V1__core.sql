-- Switchboard core schema. Every row carries tenant_id (DESIGN rule 5).
-- Released migrations are immutable: change the schema with a new file.

create table tenants (
    id          uuid primary key,
    slug        text not null unique,
    name        text not null,
    created_at  timestamptz not null default now()
);

-- Staff log in with email + password; email is unique across tenants because the
-- login request carries no tenant.
create table staff_users (
    id             uuid primary key,
    tenant_id      uuid not null references tenants(id),
    email          text not null,
    name           text not null,
    password_hash  text not null,
    roles          text[] not null,
    created_at     timestamptz not null default now(),
    constraint staff_users_roles_known check (roles <@ array['admin','supervisor','agent']::text[])
);
create unique index staff_users_email_uq on staff_users (lower(email));
create index staff_users_tenant_idx on staff_users (tenant_id);

-- The agent side of a staff user: status and capacity. Truth for the live copy in Redis.
create table agents (
    user_id            uuid primary key references staff_users(id),
    tenant_id          uuid not null references tenants(id),
    status             text not null default 'online' check (status in ('online','break','offline')),
    max_concurrent     int  not null default 10 check (max_concurrent between 1 and 200),
    status_changed_at  timestamptz not null default now(),
    created_at         timestamptz not null default now()
);
create index agents_tenant_idx on agents (tenant_id);

create table agent_groups (
    id          uuid primary key,
    tenant_id   uuid not null references tenants(id),
    name        text not null,
    created_at  timestamptz not null default now(),
    unique (tenant_id, name)
);

create table group_members (
    group_id   uuid not null references agent_groups(id) on delete cascade,
    agent_id   uuid not null references agents(user_id) on delete cascade,
    tenant_id  uuid not null references tenants(id),
    primary key (group_id, agent_id)
);
create index group_members_agent_idx on group_members (agent_id);

-- A channel is one entry point: a web widget (public key + secret for signed identities).
create table channels (
    id          uuid primary key,
    tenant_id   uuid not null references tenants(id),
    kind        text not null check (kind in ('web','wechat','api')),
    name        text not null,
    public_key  text not null unique,
    secret      text not null,
    group_id    uuid references agent_groups(id),
    created_at  timestamptz not null default now()
);
create index channels_tenant_idx on channels (tenant_id);

-- An identified customer, vouched for by the tenant's backend (userId + HMAC).
create table customers (
    id           uuid primary key,
    tenant_id    uuid not null references tenants(id),
    external_id  text not null,
    name         text,
    email        text,
    attributes   jsonb not null default '{}'::jsonb,
    created_at   timestamptz not null default now(),
    unique (tenant_id, external_id)
);

-- Short number shown to agents as "Visitor #1234".
create sequence visitor_display_no_seq start 1000;

-- A visitor is one browser (anonymous) or one customer on one channel.
create table visitors (
    id            uuid primary key,
    tenant_id     uuid not null references tenants(id),
    channel_id    uuid not null references channels(id),
    customer_id   uuid references customers(id),
    display_no    bigint not null default nextval('visitor_display_no_seq'),
    name          text,
    email         text,
    attributes    jsonb not null default '{}'::jsonb,
    created_at    timestamptz not null default now(),
    last_seen_at  timestamptz not null default now()
);
create index visitors_tenant_idx on visitors (tenant_id);
create unique index visitors_customer_channel_uq on visitors (channel_id, customer_id) where customer_id is not null;

create table conversations (
    id                        uuid primary key,
    tenant_id                 uuid not null references tenants(id),
    channel_id                uuid not null references channels(id),
    visitor_id                uuid not null references visitors(id),
    group_id                  uuid references agent_groups(id),
    state                     text not null check (state in ('queued','open','closed')),
    assignee_id               uuid references agents(user_id),
    last_seq                  int  not null default 0,
    created_at                timestamptz not null default now(),
    queued_at                 timestamptz,
    assigned_at               timestamptz,
    first_agent_reply_at      timestamptz,
    last_visitor_message_at   timestamptz,
    last_agent_message_at     timestamptz,
    visitor_read_seq          int  not null default 0,
    agent_read_seq            int  not null default 0,
    closed_at                 timestamptz,
    close_reason              text check (close_reason in ('agent','visitor','timeout','supervisor')),
    rating                    int check (rating between 1 and 5),
    rating_comment            text,
    rated_at                  timestamptz,
    constraint conversations_open_has_assignee check (state <> 'open' or assignee_id is not null),
    constraint conversations_queued_no_assignee check (state <> 'queued' or assignee_id is null)
);
-- At most one live conversation per visitor: the second "first message" joins the first.
create unique index conversations_one_live_per_visitor on conversations (visitor_id) where state <> 'closed';
-- The queue: oldest first within a group.
create index conversations_queue_idx on conversations (tenant_id, group_id, queued_at, id) where state = 'queued';
create index conversations_assignee_open_idx on conversations (assignee_id) where state = 'open';
create index conversations_tenant_state_idx on conversations (tenant_id, state, created_at desc);

create table messages (
    id               bigint generated by default as identity primary key,
    tenant_id        uuid not null references tenants(id),
    conversation_id  uuid not null references conversations(id),
    seq              int  not null,
    client_id        text,
    sender_kind      text not null check (sender_kind in ('visitor','agent','system','bot')),
    sender_id        uuid,
    text             text not null,
    internal         boolean not null default false,
    created_at       timestamptz not null default now(),
    unique (conversation_id, seq)
);
-- A re-sent clientId from the same sender is the same message (DESIGN rule 2).
create unique index messages_client_id_uq on messages (conversation_id, sender_kind, sender_id, client_id)
    where client_id is not null;

create table conversation_events (
    id               bigint generated by default as identity primary key,
    tenant_id        uuid not null references tenants(id),
    conversation_id  uuid not null references conversations(id),
    kind             text not null,
    actor_kind       text,
    actor_id         uuid,
    data             jsonb not null default '{}'::jsonb,
    created_at       timestamptz not null default now()
);
create index conversation_events_conv_idx on conversation_events (conversation_id, id);
