-- Quick replies (A7, C9), the knowledge base (C9) and search over messages (C5).
--
-- Every search column holds the lexemes of io.switchboard.search.SearchTokens, put in with
-- array_to_tsvector: CJK bigrams and lower-cased words, never run through a text search
-- configuration (its parser cuts Chinese into nothing useful). A GIN index over such a
-- column answers "every query lexeme present" from the index alone: a two-character Chinese
-- word is one lexeme, where pg_trgm would have no trigram for it and scan (STACK.md).

-- Canned answers. owner_id null: the tenant's, edited by admins, offered in the channels of
-- channel_ids (empty: every channel). owner_id set: one staff member's own, in every channel.
create table quick_replies (
    id            uuid primary key,
    tenant_id     uuid not null references tenants(id),
    owner_id      uuid references staff_users(id) on delete cascade,
    category      text not null default '',
    title         text not null,
    text          text not null,
    channel_ids   uuid[] not null default '{}',
    -- title, text and category; title_search alone ranks title hits above text hits.
    search        tsvector not null,
    title_search  tsvector not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index quick_replies_tenant_owner_idx on quick_replies (tenant_id, owner_id);
create index quick_replies_search_idx on quick_replies using gin (search);

create table kb_articles (
    id            uuid primary key,
    tenant_id     uuid not null references tenants(id),
    title         text not null,
    body          text not null,
    tags          text[] not null default '{}',
    channel_ids   uuid[] not null default '{}',
    -- title, body and tags; title_search (title and tags) ranks those hits first.
    search        tsvector not null,
    title_search  tsvector not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index kb_articles_tenant_idx on kb_articles (tenant_id, updated_at desc);
create index kb_articles_search_idx on kb_articles using gin (search);

-- What visitors and staff wrote, written by the insert that stores the message (the lexemes
-- come from the replica, so PostgreSQL, shared by every replica, does no tokenising).
-- System lines stay null and out of the index: their words are the service's, not anyone's
-- (except a transfer's note, an internal line a person wrote).
-- Adding a nullable column without a default rewrites nothing; the index builds read the
-- table once.
alter table messages add column search tsvector;
create index messages_search_idx on messages using gin (search) where search is not null;
-- Messages written before this version get their lexemes from SearchBackfill, in small
-- batches on every replica; this index finds what is left, and stays empty once it is done
-- (every insert now writes search, empty rather than null for a text without words).
create index messages_unindexed_idx on messages (id)
    where search is null and (sender_kind in ('visitor', 'agent') or event = 'transfer_note');
