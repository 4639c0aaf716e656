-- State frames (assigned, closed, transferred, status...) survive a replica that dies between
-- the commit of a domain event and its fan-out, as messages do (V12, docs/operations.md
-- "Message delivery"). Recording an event that someone hears of by socket inserts its id here
-- in the same statement (same commit); the replica that recorded it deletes the ids once its
-- frames went out (gathered, like message marks); the event sweep on every replica rebuilds
-- and publishes the frames of what is still here after the grace period, claiming rows with
-- "for update skip locked" so two replicas never both publish one. Events nobody hears of
-- (queued, routed, released, capacity_freed) get no row.
--
-- No foreign key for the same reason as message_deliveries: the sweep drops ids whose event
-- is gone.
create table event_deliveries (
    event_id   bigint primary key,
    stored_at  timestamptz not null default now()
);

alter table event_deliveries set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
