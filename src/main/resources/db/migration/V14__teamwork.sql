-- Teamwork in a conversation (C6 transfers, C7 experts and internal notes, C8 satisfaction).

-- The experts invited into a conversation now (C7). conversation_staff keeps that they were
-- ever invited (they keep sight of it); this table says who is in it at the moment, so who
-- receives its frames live and may write into it. Leaving or removal deletes the row.
create table conversation_participants (
    conversation_id  uuid not null references conversations(id) on delete cascade,
    user_id          uuid not null references staff_users(id) on delete cascade,
    tenant_id        uuid not null references tenants(id),
    invited_by       uuid references staff_users(id) on delete set null,
    since            timestamptz not null default now(),
    primary key (conversation_id, user_id)
);
create index conversation_participants_user_idx on conversation_participants (user_id, conversation_id);

-- One satisfaction survey per conversation (C8): the row is the survey, sent once; its score
-- is set once. The conversation's own rating columns (V1) mirror the answer for lists and
-- reports.
create table conversation_surveys (
    conversation_id  uuid primary key references conversations(id) on delete cascade,
    tenant_id        uuid not null references tenants(id),
    sent_by          uuid references staff_users(id) on delete set null,
    sent_at          timestamptz not null default now(),
    score            int check (score between 1 and 5),
    comment          text check (char_length(comment) <= 1000),
    rated_at         timestamptz,
    constraint conversation_surveys_rated_whole check ((score is null) = (rated_at is null))
);
create index conversation_surveys_tenant_idx on conversation_surveys (tenant_id, sent_at);

-- Send a survey whenever staff close a conversation (not on timeouts or visitor closes).
alter table tenant_settings add column survey_on_close boolean not null default false;

-- A conversation transferred to a group waits at the head of that group's queue (C6): the
-- queue serves conversations with a queue_front first, earliest transfer first, before the
-- ordinary order (channel priority, then each channel's own order). Cleared by the database
-- whenever the conversation leaves the queue, so an assignment by any path, present or
-- future, cannot leave a stale mark that a later return to the queue would honour.
alter table conversations add column queue_front timestamptz;

create function conversations_queue_front_clear() returns trigger language plpgsql as $$
begin
    new.queue_front := null;
    return new;
end;
$$;

create trigger conversations_queue_front_clear before update of state on conversations
    for each row when (new.state <> 'queued' and new.queue_front is not null)
    execute function conversations_queue_front_clear();
