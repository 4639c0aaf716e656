package io.switchboard.conversation;

/**
 * {@link Visibility} as SQL, for queries that list conversations: the same rule, evaluated
 * by PostgreSQL row by row, so a list never loads what its reader may not see. Keep the two
 * in step; the visibility tests read every path, lists included, against the same scenes.
 *
 * <p>Cost per row: the served groups and channels are uncorrelated sub-selects, computed once
 * per query; the involvement check is one probe of conversation_staff's primary key.
 */
public final class VisibilitySql {

    private VisibilitySql() {}

    /**
     * The groups whose queues an agent serves, as text ($tenant, $user): their own and every
     * group an enabled rule pools with one of theirs (what {@code AgentStore.servedQueues} reads).
     */
    public static String servedGroups(String tenant, String user) {
        return """
                select gm.group_id::text from group_members gm where gm.agent_id = %2$s and gm.tenant_id = %1$s
                union
                select g.id from routing_rules r cross join jsonb_array_elements_text(r.spec->'groupIds') g(id)
                where r.tenant_id = %1$s and r.enabled and exists (
                  select 1 from group_members gm join jsonb_array_elements_text(r.spec->'groupIds') x(id)
                    on x.id = gm.group_id::text
                  where gm.agent_id = %2$s and gm.tenant_id = %1$s)""".formatted(tenant, user);
    }

    /**
     * True for the rows of conversation alias {@code c} the agent {@code user} may see. For
     * agents only: supervisors and admins see every row, and other staff none (see
     * {@link #forCaller}).
     */
    public static String agentSees(String c, String tenant, String user) {
        return """
                (exists (select 1 from conversation_staff s where s.conversation_id = %1$s.id and s.user_id = %3$s)
                 or ((%1$s.group_id is null or %1$s.group_id::text = any(array(%4$s)))
                     and (not exists (select 1 from agent_channels ac where ac.agent_id = %3$s and ac.tenant_id = %2$s)
                          or %1$s.channel_id = any(array(select ac.channel_id from agent_channels ac
                                                         where ac.agent_id = %3$s and ac.tenant_id = %2$s)))))"""
                .formatted(c, tenant, user, servedGroups(tenant, user));
    }

    /**
     * Up to {@code limit} ids ($tenant, $user, $limit) of the conversations an agent may see,
     * and perhaps a few more: those they were involved in, those without a group and those of
     * the groups they serve, the channel limit left out. A statement narrowed to these ids
     * still applies {@link #agentSees}; the list only spares it reading the rest of the tenant.
     *
     * <p>Each part is read from an index and stops at {@code limit}, so the list costs at most
     * that many rows a part however large the tenant. When it comes back full, the agent may see
     * more than {@code limit} conversations and the list is not all of them: use the predicate
     * alone then. Distinct before each limit, so a full list means that many conversations.
     */
    public static String agentCandidates(String tenant, String user, String limit) {
        return """
                select id from (
                  (select distinct s.conversation_id as id from conversation_staff s
                   where s.user_id = %2$s and s.tenant_id = %1$s limit %3$s)
                  union
                  (select c.id from conversations c where c.tenant_id = %1$s and c.group_id is null limit %3$s)
                  union
                  (select x.id from agent_groups g
                     cross join lateral (select c.id from conversations c
                                         where c.tenant_id = %1$s and c.group_id = g.id limit %3$s) x
                   where g.tenant_id = %1$s and g.id::text = any(array(%4$s)))
                ) candidates limit %3$s""".formatted(tenant, user, limit, servedGroups(tenant, user));
    }

    /** The predicate for a caller: everything for supervisors and admins, the agent rule for agents, nothing for others. */
    public static String forCaller(io.switchboard.security.Caller caller, String c, String tenant, String user) {
        // The user parameter stays in the statement either way, so PostgreSQL can type it.
        if (caller.seesWholeTenant()) {
            return "(" + user + "::uuid is not null)";
        }
        return caller.isAgent() ? agentSees(c, tenant, user) : "(" + user + "::uuid is null)";
    }
}
