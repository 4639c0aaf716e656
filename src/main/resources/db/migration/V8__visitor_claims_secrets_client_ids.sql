-- What a web page says about its visitor, who may re-identify an anonymous visitor, and how
-- far a visitor's clientId reaches.

-- 1. Page claims apart from the customer record. A page's attributes (the widget's
-- `attributes`) are claims: routing tests them only where a rule names them `claimed.<name>`.
-- The customer record (customers.attributes) holds only what the tenant's backend says over
-- the admin REST. visitors.attributes is no longer written: it stays for replicas of the
-- previous version during a rolling upgrade, and its content moves to claims.
alter table visitors add column claims jsonb not null default '{}'::jsonb;
update visitors set claims = attributes where attributes <> '{}'::jsonb;

-- Until now the signed identity merged the page's attributes (all but tier) into the
-- customer record, and the admin REST could set only the tier: every other key of a
-- customer's attributes came from a page. They are claims of the visitors of that customer,
-- who keep them in their own claims above; the customer record keeps the CRM's tier.
update customers
set attributes = case when attributes ? 'tier' then jsonb_build_object('tier', attributes -> 'tier') else '{}'::jsonb end
where attributes - 'tier' <> '{}'::jsonb;

-- 2. An anonymous visitor comes back with a secret only their browser holds: its SHA-256.
-- Null for identified customers (their backend's signature identifies them) and for
-- anonymous visitors created before this version, who get a new identity on their next visit.
alter table visitors add column secret_hash bytea;

-- 3. A visitor's clientId names one message across all their conversations: a first message
-- re-sent after its conversation was closed is answered with its original ack instead of
-- starting a second conversation. Earlier copies stored twice by that very gap keep their
-- text; all but the first lose the clientId so the unique index can be built.
with ranked as (
    select id, row_number() over (partition by tenant_id, sender_id, client_id order by id) as copy
    from messages
    where sender_kind = 'visitor' and client_id is not null
)
update messages m set client_id = null from ranked r where m.id = r.id and r.copy > 1;

create unique index messages_visitor_client_id_uq on messages (tenant_id, sender_id, client_id)
    where sender_kind = 'visitor' and client_id is not null;

-- Staff clientIds stay unique per staff user within a conversation (a staff frame always names
-- its conversation). The old index covered visitors too; narrowed to staff so that a visitor's
-- message still maintains a single clientId index.
drop index messages_client_id_uq;
create unique index messages_staff_client_id_uq on messages (conversation_id, sender_id, client_id)
    where sender_kind = 'agent' and client_id is not null;
