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
 * Knowledge-base search for staff (C9): every word of {@code q} must be in the article (a
 * Chinese word inside a longer text too); with a conversation, only articles for its channel.
 */
@Path("/api/v1/kb/search")
@Tag(name = "Knowledge base")
public class KbSearchResource {

    static final int MAX_LIMIT = 50;
    /** Characters of the body a result shows around the first hit. */
    static final int SNIPPET_CHARS = 160;

    /** @param url where the article is published, to send as a link; null when it has none */
    public record ArticleHit(String id, String title, String snippet, String url) {}

    private final CurrentCaller current;
    private final KbArticles articles;
    private final ConversationAccess access;

    KbSearchResource(CurrentCaller current, KbArticles articles, ConversationAccess access) {
        this.current = current;
        this.articles = articles;
        this.access = access;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Articles holding every word of q, title and tag hits first, each with a snippet of its body")
    public Uni<List<ArticleHit>> search(@QueryParam("q") String q,
                                        @QueryParam("conversationId") String conversationId,
                                        @QueryParam("limit") @DefaultValue("10") int limit) {
        Caller caller = current.staff();
        SearchTokens.Query query = SearchInput.parse(q, true);
        int max = SearchInput.limit(limit, MAX_LIMIT);
        Uni<UUID> channel = access.channelOf(caller, conversationId);
        return channel.flatMap(ch -> articles.search(UUID.fromString(caller.tenantId()), query, ch, max))
                .map(found -> found.stream()
                        .map(a -> new ArticleHit(a.id().toString(), a.title(), Snippets.around(a.body(), query, SNIPPET_CHARS), a.url()))
                        .toList());
    }
}
