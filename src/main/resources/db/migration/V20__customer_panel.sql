-- The customer panel (C10, A8, F4).
--
-- Which fields the panel shows, chosen by the tenant (A8): names from a fixed catalogue,
-- comma-separated; null shows them all.
alter table tenant_settings add column customer_panel text;

-- Where a visitor came from: the first page the widget reported and that page's referrer
-- (the search engine and keyword are read from it). Claims of the visitor's browser, shown
-- as such: they never decide anything.
alter table visitors add column landing_page text, add column first_referrer text;

-- The pages a visitor opened, as the widget reports them (`page` frames), newest kept: each
-- report prunes the visitor's rows beyond the most recent 100.
create table visitor_pages (
    id          bigserial primary key,
    tenant_id   uuid not null references tenants(id),
    visitor_id  uuid not null references visitors(id) on delete cascade,
    url         text not null,
    title       text,
    at          timestamptz not null default now()
);
create index visitor_pages_visitor_idx on visitor_pages (visitor_id, id desc);
