-- Attachments (C1): files and images that visitors and staff send with a message.
--
-- A file is uploaded first (POST .../attachments) and sent afterwards: the message frame names
-- the ids of its uploads. A staff upload belongs to the conversation it was made for; a
-- visitor's belongs to nobody's conversation until a message of theirs carries it (a visitor
-- may start a conversation with a picture). message_id links it to the one message that
-- carried it: an upload is sent at most once.
create table attachments (
    id               uuid primary key,
    tenant_id        uuid not null references tenants(id),
    conversation_id  uuid references conversations(id),
    uploader_kind    text not null check (uploader_kind in ('visitor','agent')),
    uploader_id      uuid not null,
    name             text not null,
    size             bigint not null check (size >= 0),
    content_type     text not null,
    blob_key         text not null unique,
    message_id       bigint references messages(id),
    created_at       timestamptz not null default now(),
    constraint attachments_staff_upload_has_conversation check (uploader_kind = 'visitor' or conversation_id is not null),
    constraint attachments_sent_has_conversation check (message_id is null or conversation_id is not null)
);
create index attachments_conversation_idx on attachments (conversation_id);
create index attachments_uploader_idx on attachments (uploader_id, created_at);
create index attachments_message_idx on attachments (message_id) where message_id is not null;
-- Uploads never sent, oldest first: what UnsentAttachments removes once they are old enough.
create index attachments_unsent_idx on attachments (created_at) where message_id is null;

-- What a message's frame shows of its attachments ([{id, name, size, contentType}], in the
-- order sent), written once with the message. History, resume and the delivery sweep read
-- messages row by row; a copy here spares each of them a join, and attachments never change
-- once sent. Null for a message without attachments: nullable without a default, so adding it
-- rewrites nothing and a plain message stores nothing more.
alter table messages add column attachments jsonb;

-- The PostgreSQL blob store (the default): each blob in chunks of at most 256 KiB, so no single
-- value is large and a read streams chunk by chunk.
create table blob_chunks (
    blob_key  text not null,
    part      int  not null check (part >= 0),
    data      bytea not null,
    primary key (blob_key, part)
);
