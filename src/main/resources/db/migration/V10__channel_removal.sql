-- Channels are administered over REST (/api/v1/admin/channels). Removing one is soft: its
-- conversations, visitors and messages reference it and stay readable, while the widget
-- stops accepting visitors for it. Its key stays reserved (the unique constraint keeps it), so
-- a widget still embedded somewhere can never start talking to another channel or tenant.
alter table channels add column deleted_at timestamptz;
