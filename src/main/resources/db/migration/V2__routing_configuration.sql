-- Configuration the routing engine reads (A2, A4, A6, B2, B4) and what agent
-- administration needs. Written by the admin REST; every row carries tenant_id.

-- Tenant-wide settings (A2). A tenant without a row uses the defaults below.
create table tenant_settings (
    tenant_id               uuid primary key references tenants(id),
    default_max_concurrent  int  not null default 10 check (default_max_concurrent between 1 and 200),
    -- Null switches the timer off.
    auto_close_minutes      int  check (auto_close_minutes between 1 and 10080),
    auto_reassign_minutes   int  check (auto_reassign_minutes between 1 and 10080),
    out_of_hours_text       text,
    version                 int  not null default 0,
    updated_at              timestamptz not null default now()
);

-- Queue order per channel (B4): higher priority is served first, then the channel's discipline.
alter table channels
    add column priority     int  not null default 0 check (priority between -100 and 100),
    add column queue_order  text not null default 'fifo' check (queue_order in ('fifo','lifo'));

-- Working hours per group (A4). Existing groups stay open around the clock.
alter table agent_groups
    add column time_zone     text    not null default 'UTC',
    add column always_open   boolean not null default true,
    -- {"weekly": {"MONDAY": ["09:00-18:00"], ...}, "holidays": ["2026-12-25", ...]}: days without
    -- an entry are closed; holidays are dates in the group's time zone.
    add column hours         jsonb   not null default '{"weekly": {}, "holidays": []}'::jsonb,
    add column version       int     not null default 0;

-- Agents: skills for skill weighting (B1), how they were added, soft removal so history
-- keeps its assignee.
alter table agents
    add column skills      jsonb not null default '{}'::jsonb,
    add column added_via   text  not null default 'seed' check (added_via in ('seed','admin')),
    add column removed_at  timestamptz;
alter table staff_users add column disabled_at timestamptz;

-- Routing rules (A6), tried by position then id. Conditions and groups are kept as the
-- admin wrote them; the service compiles them into io.switchboard.routing.RoutingRule.
create table routing_rules (
    id                 uuid primary key,
    tenant_id          uuid not null references tenants(id),
    name               text not null,
    position           int  not null,
    enabled            boolean not null default true,
    -- {"conditions": [...], "groupIds": [...], "requiredSkills": [...]}
    spec               jsonb not null,
    strategy           text not null,
    fallback_strategy  text,
    prefer_last_agent  boolean not null default false,
    out_of_hours_text  text,
    version            int  not null default 0,
    created_at         timestamptz not null default now()
);
create index routing_rules_tenant_idx on routing_rules (tenant_id, position, id);

-- What routing decided for a conversation (A6, B5). A held conversation waits without being
-- dispatched automatically: 'unmatched' until an admin or supervisor assigns it by hand,
-- 'offline' (left out of hours) until its group opens. offline_until is when a message left
-- while nobody could serve it expires.
alter table conversations
    add column routing_rule_id  uuid,
    add column hold             text check (hold in ('unmatched','offline')),
    add column offline_until    timestamptz;
create index conversations_held_idx on conversations (tenant_id, hold) where hold is not null;
create index conversations_offline_until_idx on conversations (offline_until) where offline_until is not null and state = 'queued';

-- Auto-reassign (B6) sends a conversation back through routing without the agent who
-- stayed silent; the dispatcher skips this agent for it.
alter table conversations add column reassign_excluded uuid;
