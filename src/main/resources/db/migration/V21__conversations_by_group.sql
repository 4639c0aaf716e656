-- An agent's search starts from the conversations they may see (VisibilitySql.agentCandidates):
-- those of the groups they serve, and those without a group, are read by this index, a group
-- at a time and only up to a bound, instead of by a scan of the tenant's conversations.
create index conversations_tenant_group_idx on conversations (tenant_id, group_id);
