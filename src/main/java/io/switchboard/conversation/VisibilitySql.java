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

    /** The predicate for a caller: everything for supervisors and admins, the agent rule for agents, nothing for others. */
    public static String forCaller(io.switchboard.security.Caller caller, String c, String tenant, String user) {
        // The user parameter stays in the statement either way, so PostgreSQL can type it.
        if (caller.seesWholeTenant()) {
            return "(" + user + "::uuid is not null)";
        }
        return caller.isAgent() ? agentSees(c, tenant, user) : "(" + user + "::uuid is null)";
    }
}
