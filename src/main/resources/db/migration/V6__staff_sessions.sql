-- A token is not a session: every staff token carries the session epoch its user had when it
-- was issued. Removing the user (disabled_at), changing their password or their roles bumps
-- the epoch in the same transaction, so every token issued before stops working at once.
alter table staff_users add column session_epoch bigint not null default 0;
