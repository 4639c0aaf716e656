-- conversation_events becomes the domain event log (DESIGN "Domain events"): every change of
-- state is recorded in it in the same transaction as the change, typed by io.switchboard.event
-- .DomainEvent. Events about no one conversation (an agent's status) have no conversation_id.
--
-- The id grows monotonically (one identity for every tenant, so per tenant as well), but ids
-- are handed out when rows are written, not when they commit: a reader that kept "the last id it
-- saw" could step over a transaction that took a smaller id and committed later. So each row
-- also carries its transaction's id (tx), and readers of the log read in (tx, id) order, only
-- below the oldest transaction still running (pg_snapshot_xmin): nothing can appear behind them.
alter table conversation_events alter column conversation_id drop not null;
alter table conversation_events add column tx xid8 not null default pg_current_xact_id();
create index conversation_events_tenant_idx on conversation_events (tenant_id, id);
create index conversation_events_tx_idx on conversation_events (tx, id);
