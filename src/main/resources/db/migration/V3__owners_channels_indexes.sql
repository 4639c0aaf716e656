-- Owners for the owner strategies (B1), channels per agent (B2 administration), and the
-- indexes the console figures and the fewest-today strategy read.

-- A customer account (the company a contact belongs to, "customer" in CRM terms) and its
-- owner: the customer-owner strategy prefers this agent. Kept in step by the tenant's CRM
-- through the admin REST.
create table customer_accounts (
    id           uuid primary key,
    tenant_id    uuid not null references tenants(id),
    external_id  text not null,
    name         text,
    owner_id     uuid references agents(user_id),
    updated_at   timestamptz not null default now(),
    unique (tenant_id, external_id)
);

-- The identified customer is the contact: its own owner serves the contact-owner strategy,
-- and it may belong to an account.
alter table customers
    add column owner_id    uuid references agents(user_id),
    add column account_id  uuid references customer_accounts(id),
    add column updated_at  timestamptz not null default now();
create index customers_account_idx on customers (account_id) where account_id is not null;

-- Channels an agent serves. An agent without rows serves every channel of their groups;
-- with rows, automatic routing offers them only conversations from those channels.
create table agent_channels (
    agent_id    uuid not null references agents(user_id) on delete cascade,
    channel_id  uuid not null references channels(id) on delete cascade,
    tenant_id   uuid not null references tenants(id),
    primary key (agent_id, channel_id)
);

-- "Received today" per agent (console header) and today's counts (fewest-today strategy)
-- both read assignments of one agent since an instant.
create index conversations_assignee_assigned_idx on conversations (assignee_id, assigned_at)
    where assigned_at is not null;
-- The assignment-latency metric reads every assignment of the last scrape interval.
create index conversations_assigned_idx on conversations (assigned_at) where assigned_at is not null;
