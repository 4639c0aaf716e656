package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Loads the facts {@link Visibility} decides on and applies it: every path that takes a
 * conversation id from staff goes through {@link #visible}, so an invisible conversation
 * answers 404 everywhere alike.
 */
@ApplicationScoped
public class ConversationAccess {

    /** $1 user, $2 tenant: the agent's groups and channels, and every enabled rule's group list. */
    private static final String VIEWER = """
            select array(select gm.group_id::text from group_members gm where gm.agent_id = $1 and gm.tenant_id = $2) as groups,
                   array(select ac.channel_id::text from agent_channels ac where ac.agent_id = $1 and ac.tenant_id = $2) as channels,
                   array(select (r.spec->'groupIds')::text from routing_rules r
                         where r.tenant_id = $2 and r.enabled and jsonb_typeof(r.spec->'groupIds') = 'array') as pools""";

    /** $1 conversation, $2 tenant, $3 user: the conversation and whether the user ever worked on it. */
    private static final String SUBJECT = "select exists (select 1 from conversation_staff s where s.conversation_id = c.id"
            + " and s.user_id = $3) as involved, " + ConversationRow.COLUMNS + " where c.id = $1 and c.tenant_id = $2";

    private final Pool pool;

    ConversationAccess(Pool pool) {
        this.pool = pool;
    }

    /** Who the caller is for the policy; no query for supervisors and admins. */
    public Uni<Visibility.Viewer> viewer(Caller staff) {
        if (staff.seesWholeTenant()) {
            return Uni.createFrom().item(Visibility.Viewer.supervisor());
        }
        if (!staff.isAgent()) {
            return Uni.createFrom().item(new Visibility.Viewer(false, false, Set.of(), Set.of(), List.of()));
        }
        return pool.preparedQuery(VIEWER).execute(Tuple.of(UUID.fromString(staff.id()), UUID.fromString(staff.tenantId())))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    List<Set<String>> pools = new ArrayList<>();
                    for (String pool : r.getArrayOfStrings("pools")) {
                        Set<String> groups = new HashSet<>();
                        new JsonArray(pool).forEach(g -> groups.add(String.valueOf(g)));
                        pools.add(groups);
                    }
                    return new Visibility.Viewer(false, true, Set.of(r.getArrayOfStrings("groups")),
                            Set.of(r.getArrayOfStrings("channels")), pools);
                });
    }

    /** The conversation, if the caller may see it; otherwise a 404, the answer for one that does not exist. */
    public Uni<ConversationRow> visible(Caller staff, String conversationId) {
        return viewer(staff).flatMap(viewer -> visible(staff, viewer, conversationId));
    }

    /**
     * The channel of the conversation a request names, to narrow what it offers (quick replies,
     * articles) to that channel's: null when it names none, 404 when the caller may not see it.
     */
    public Uni<UUID> channelOf(Caller staff, String conversationId) {
        if (conversationId == null || conversationId.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return visible(staff, conversationId).map(c -> UUID.fromString(c.channelId()));
    }

    /** As above, with the viewer already loaded (a resume asks about many conversations). */
    public Uni<ConversationRow> visible(Caller staff, Visibility.Viewer viewer, String conversationId) {
        return subject(staff, conversationId).map(found -> {
            if (found == null || !Visibility.sees(viewer, found.subject())) {
                throw Problem.notFound("conversation");
            }
            return found.row();
        });
    }

    /**
     * The tenant's supervisors and admins: with the assignee and the experts, the staff an
     * internal note is delivered to (C7). Read per note, off the visible-message path.
     */
    public Uni<List<String>> supervisors(String tenantId) {
        return pool.preparedQuery("select id from staff_users where tenant_id = $1 and roles && array['supervisor', 'admin']")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .map(rows -> {
                    List<String> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getUUID("id").toString()));
                    return out;
                });
    }

    /** Whether the staff member is an expert invited into the conversation now (C7): they may write there. */
    public Uni<Boolean> isParticipant(Caller staff, String conversationId) {
        return pool.preparedQuery("select 1 from conversation_participants where conversation_id = $1 and user_id = $2 and tenant_id = $3")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(staff.id()), UUID.fromString(staff.tenantId())))
                .map(rows -> rows.size() > 0);
    }

    /**
     * The conversation if the caller may act on it (transfer, invite, survey): supervisors and
     * admins on any they see, an agent on the one assigned to them; 403 for an agent who only
     * sees it, 404 for one they may not see.
     */
    public Uni<ConversationRow> actable(Caller staff, String conversationId) {
        return visible(staff, conversationId).map(c -> {
            if (!staff.seesWholeTenant() && !staff.id().equals(c.assigneeId())) {
                throw Problem.forbidden("conversation is assigned to someone else");
            }
            return c;
        });
    }

    /** A conversation the caller may see, and whether they also serve its queue (for pick-up). */
    public record Judged(ConversationRow row, boolean serves) {}

    public Uni<Judged> judged(Caller staff, String conversationId) {
        return viewer(staff).flatMap(viewer -> subject(staff, conversationId).map(found -> {
            if (found == null || !Visibility.sees(viewer, found.subject())) {
                throw Problem.notFound("conversation");
            }
            return new Judged(found.row(), Visibility.serves(viewer, found.subject()));
        }));
    }

    /** Whether the viewer serves a conversation of this group and channel (the queue view). */
    public static boolean serves(Visibility.Viewer viewer, String groupId, String channelId) {
        return Visibility.serves(viewer, new Visibility.Subject(groupId, channelId, false));
    }

    private record Found(ConversationRow row, Visibility.Subject subject) {}

    private Uni<Found> subject(Caller staff, String conversationId) {
        UUID id;
        try {
            id = UUID.fromString(conversationId);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Uni.createFrom().failure(Problem.notFound("conversation"));
        }
        return pool.preparedQuery(SUBJECT)
                .execute(Tuple.of(id, UUID.fromString(staff.tenantId()), UUID.fromString(staff.id())))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    ConversationRow row = ConversationRow.from(r);
                    return new Found(row, new Visibility.Subject(row.groupId(), row.channelId(), r.getBoolean("involved")));
                });
    }
}
