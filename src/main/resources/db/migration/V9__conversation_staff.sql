-- Who has worked on a conversation, for the visibility policy (docs/protocol.md, "Who sees
-- which conversation"): an agent keeps sight of every conversation they were ever assigned,
-- after it was transferred away, reassigned or closed, and of every one they were invited into.
-- conversations.assignee_id holds only the current assignee, so the past ones are kept here.
create table conversation_staff (
    conversation_id  uuid not null references conversations(id) on delete cascade,
    user_id          uuid not null references staff_users(id) on delete cascade,
    tenant_id        uuid not null references tenants(id),
    -- assignee: was assigned the conversation; participant: was invited into it (an expert).
    role             text not null check (role in ('assignee', 'participant')),
    since            timestamptz not null default now(),
    primary key (conversation_id, user_id, role)
);
-- "The conversations this user worked on" (lists, recent contacts, search) go by user.
create index conversation_staff_user_idx on conversation_staff (user_id, conversation_id);

-- Written by the database in the transaction that assigns: every path that sets an assignee
-- (automatic dispatch, pick-up, assignment by hand, and any added later such as transfers)
-- records it, and no assignment can commit without its row. Invitations insert their own
-- 'participant' rows.
create function conversation_staff_on_assign() returns trigger language plpgsql as $$
begin
    insert into conversation_staff (conversation_id, user_id, tenant_id, role)
    values (new.id, new.assignee_id, new.tenant_id, 'assignee')
    on conflict do nothing;
    return null;
end;
$$;

create trigger conversation_staff_assignee_ins after insert on conversations
    for each row when (new.assignee_id is not null) execute function conversation_staff_on_assign();
create trigger conversation_staff_assignee_upd after update of assignee_id on conversations
    for each row when (new.assignee_id is not null and new.assignee_id is distinct from old.assignee_id)
    execute function conversation_staff_on_assign();

-- What happened before this table existed: the current assignees, and the agents chosen by
-- every recorded assignment ('assigned' events carry the choice in data.chosen) or taken away
-- by auto-reassign ('reassigned' events carry them in data.from).
insert into conversation_staff (conversation_id, user_id, tenant_id, role, since)
select id, assignee_id, tenant_id, 'assignee', coalesce(assigned_at, created_at)
from conversations where assignee_id is not null
on conflict do nothing;

insert into conversation_staff (conversation_id, user_id, tenant_id, role, since)
select e.conversation_id, u.id, e.tenant_id, 'assignee', min(e.created_at)
from conversation_events e
join staff_users u on u.tenant_id = e.tenant_id
  and u.id::text = case e.kind when 'assigned' then e.data->>'chosen' else e.data->>'from' end
where e.kind in ('assigned', 'reassigned')
group by e.conversation_id, u.id, e.tenant_id
on conflict do nothing;
