-- Search lexemes leave the message path (C5; docs/operations.md, "Search index").
--
-- Since V17 every append wrote the message's lexemes into messages.search, under a GIN
-- index. Under load, group commit stores a hundred messages per statement, and each of them
-- went through the GIN index's pending list, which the insert that fills it past
-- gin_pending_list_limit merges into the index while the whole batch waits: benchmark P2's
-- ceiling fell by half and its p99 doubled. Now an append only records the message as not
-- yet indexed, a two-column row like its delivery mark, and every replica's MessageIndexer
-- computes the lexemes after commit and writes them here in batches: the only writer of the
-- GIN index is that background batch. Search lags the message by about a second.
--
-- One row per searchable message (visitor and agent messages, a transfer's note); messages
-- are never deleted, so no foreign key (its check would cost the indexer a lookup a row).
create table message_search (
    message_id  bigint primary key,
    tenant_id   uuid not null,
    search      tsvector not null
);
create index message_search_idx on message_search using gin (search);

-- Messages stored but not yet indexed: inserted by the append's own statement, deleted by
-- the indexer in the transaction that writes their lexemes. A queue table, vacuumed by a
-- fixed number of dead rows as message_deliveries is.
create table message_search_pending (
    message_id  bigint primary key
);
alter table message_search_pending set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                        autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);

-- Messages older than V17 that the backfill has not reached yet: queue them. Read through
-- messages_unindexed_idx, which holds only those.
insert into message_search_pending (message_id)
select id from messages where search is null and (sender_kind in ('visitor', 'agent') or event = 'transfer_note');
drop index messages_unindexed_idx;

-- The lexemes already in messages.search move to message_search in batches, by the indexer,
-- which clears the column as it goes: no long migration on a large table. The same pass
-- picks up what a replica of the previous version writes there during a rolling upgrade.
-- This small index finds those rows and empties as they move; the GIN index goes now.
drop index messages_search_idx;
create index messages_search_to_move_idx on messages (id) where search is not null;
