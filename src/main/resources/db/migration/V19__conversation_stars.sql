-- C3: an agent stars a conversation for themselves ("Starred" tab). One row per staff member
-- and conversation; the star goes with either (cascade). The list of one's stars is read by
-- user, most recent first.
create table conversation_stars (
    user_id          uuid not null references staff_users(id) on delete cascade,
    conversation_id  uuid not null references conversations(id) on delete cascade,
    tenant_id        uuid not null references tenants(id),
    starred_at       timestamptz not null default now(),
    primary key (user_id, conversation_id)
);

-- Recent contacts (C3) read the conversations a staff member served within up to 180 days:
-- conversation_staff by user (V9) and then the conversation by id, so no new index is needed.
