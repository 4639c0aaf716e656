-- A new conversation of a tenant with routing rules waits as 'routing' until its rule has
-- placed it: a dispatch of the channel's group that ran in between used to serve it by the
-- group's default strategy, past its rule (skills, groups, hours).
alter table conversations drop constraint conversations_hold_check;
alter table conversations add constraint conversations_hold_check check (hold in ('unmatched', 'offline', 'routing'));
create index conversations_routing_idx on conversations (created_at) where hold = 'routing';
