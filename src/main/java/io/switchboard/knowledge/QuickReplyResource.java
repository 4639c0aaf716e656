package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.ConversationAccess;
import io.switchboard.search.SearchInput;
import io.switchboard.search.SearchTokens;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/**
 * Type-ahead over the quick replies a staff member may insert into a conversation (A7, C9):
 * the tenant's that serve the conversation's channel and their own. The conversation must be
 * one they see (404 otherwise, as everywhere).
 */
@Path("/api/v1/quick-replies")
@Tag(name = "Quick replies")
public class QuickReplyResource {

    static final int MAX_LIMIT = 50;

    /** @param scope {@code tenant} or {@code personal} */
    public record OfferedReply(String id, String scope, String category, String title, String text) {}

    private final CurrentCaller current;
    private final QuickReplies replies;
    private final ConversationAccess access;

    QuickReplyResource(CurrentCaller current, QuickReplies replies, ConversationAccess access) {
        this.current = current;
        this.replies = replies;
        this.access = access;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Quick replies for a conversation, matching q in title or text (title hits first); all of them without q")
    public Uni<List<OfferedReply>> offered(@QueryParam("conversationId") String conversationId,
                                          @QueryParam("q") String q,
                                          @QueryParam("limit") @DefaultValue("20") int limit) {
        Caller caller = current.staff();
        SearchTokens.Query query = SearchInput.parse(q, false);
        int max = SearchInput.limit(limit, MAX_LIMIT);
        Uni<UUID> channel = access.channelOf(caller, conversationId);
        return channel.flatMap(ch -> replies.offered(UUID.fromString(caller.tenantId()), UUID.fromString(caller.id()), ch, query, max))
                .map(found -> found.stream().map(f -> new OfferedReply(f.reply().id().toString(),
                        f.reply().ownerId() == null ? "tenant" : "personal", f.reply().category(), f.reply().title(),
                        f.reply().text())).toList());
    }
}
