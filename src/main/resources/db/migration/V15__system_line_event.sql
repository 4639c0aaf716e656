-- A system line says in words what happened (the visitor reads it too); clients that react to it
-- (the console marks a transfer's line) need to know which happening without parsing those words,
-- which may change or be translated. event is the kind of the domain event that wrote the line
-- (transferred, transfer_note, auto_closed, reassigned); null for every other message. Nullable
-- without a default, so adding it rewrites nothing.
alter table messages add column event text;
