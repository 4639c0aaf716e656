package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The queue as staff see it (B4): every waiting conversation they could pick up, in the
 * order it will be served, filtered by channel and by how long it has waited. An agent
 * sees the queues they serve (their groups' and those a routing rule pools with theirs, of
 * the channels they serve: {@link Visibility#serves}); supervisors and admins see the whole tenant.
 */
@Path("/api/v1/queue")
public class QueueResource {

    /**
     * @param position the place in its group's queue, starting at 1, as the visitor is told
     * @param hold     {@code unmatched} (no rule applied: assign by hand) or {@code offline} (left out
     *                 of hours); null for a conversation routing serves on its own
     */
    public record QueuedView(String conversationId, String channelId, String groupId, String visitorId, String visitorName,
                             Instant queuedAt, long waitingSeconds, int position, String hold) {}

    private final CurrentCaller current;
    private final ConversationStore store;
    private final ConversationAccess access;

    QueueResource(CurrentCaller current, ConversationStore store, ConversationAccess access) {
        this.current = current;
        this.store = store;
        this.access = access;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Waiting conversations in serving order; filter by channel and minimum wait")
    public Uni<List<QueuedView>> queue(@QueryParam("channelId") String channelId,
                                       @QueryParam("minWaitSeconds") Long minWaitSeconds) {
        Caller caller = current.staff();
        if (minWaitSeconds != null && minWaitSeconds < 0) {
            throw Problem.invalid("minWaitSeconds", "must be 0 or more");
        }
        if (channelId != null) {
            try {
                UUID.fromString(channelId);
            } catch (IllegalArgumentException e) {
                throw Problem.invalid("channelId", "not a channel id");
            }
        }
        return access.viewer(caller).flatMap(viewer -> store.waiting(store.pool(), caller.tenantId(), null, true, true).map(all -> {
            Instant now = Instant.now();
            Map<String, List<ConversationStore.Waiting>> byGroup = new LinkedHashMap<>();
            for (ConversationStore.Waiting w : all) {
                byGroup.computeIfAbsent(w.groupId() == null ? "" : w.groupId(), g -> new ArrayList<>()).add(w);
            }
            Map<String, Integer> positions = new HashMap<>();
            byGroup.values().forEach(list -> {
                int p = 1;
                for (ConversationStore.Waiting w : ConversationStore.order(list)) {
                    positions.put(w.conversationId(), p++);
                }
            });
            List<QueuedView> out = new ArrayList<>();
            for (ConversationStore.Waiting w : ConversationStore.order(all)) {
                long waited = Duration.between(w.queuedAt(), now).toSeconds();
                boolean visible = ConversationAccess.serves(viewer, w.groupId(), w.channelId());
                if (!visible || (channelId != null && !channelId.equals(w.channelId()))
                        || (minWaitSeconds != null && waited < minWaitSeconds)) {
                    continue;
                }
                out.add(new QueuedView(w.conversationId(), w.channelId(), w.groupId(), w.visitorId(), w.visitorName(),
                        w.queuedAt(), waited, positions.get(w.conversationId()), w.hold()));
            }
            return out;
        }));
    }
}
