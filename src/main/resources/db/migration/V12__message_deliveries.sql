-- Live delivery of messages survives a replica that dies between commit and publish
-- (docs/operations.md, "Message delivery"). The message row itself is the recorded
-- MessageStored event; this table only says which of them are not yet known to be
-- published. The append that stores a message inserts its id here in the same statement
-- (same commit), the replica that stored it deletes the ids of a whole batch in one
-- statement once its publish went out, and the delivery sweep on every replica publishes
-- and deletes what is still here after a short grace period, claiming rows with
-- "for update skip locked" so two replicas never both publish one.
--
-- A side table rather than a "delivered" column on messages: marking a column would
-- rewrite the (wide) message row and, since the column would be in a partial index's
-- predicate, add an entry to every index of messages (no HOT update). Here the mark is a
-- delete of a two-column row, the table holds only the few rows of the last moments, so it
-- is its own "partial index", and messages stays insert-only. No foreign key: its check
-- would lock the new message row on the hot path; the sweep drops ids whose message is gone.
create table message_deliveries (
    message_id  bigint primary key,
    stored_at   timestamptz not null default now()
);

-- A queue table: many short-lived rows. Vacuum it after a fixed number of dead rows rather
-- than a fraction of a table that is almost always empty.
alter table message_deliveries set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
