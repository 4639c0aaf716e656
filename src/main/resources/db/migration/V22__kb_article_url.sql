-- Where an article is published (the business's help centre): agents send it as a link from
-- the knowledge-base tab (C9). Optional; a nullable column without a default rewrites nothing.
alter table kb_articles add column url text;
