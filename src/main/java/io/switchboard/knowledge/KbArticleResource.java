package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.conversation.ConversationAccess;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/**
 * One article for staff (C9): what an agent inserts into a reply after finding it with
 * {@code /kb/search}, which shows only a snippet. The same rule as the search decides what may
 * be read: the caller's tenant, and with a conversation only the articles for its channel (one
 * for another channel is 404, as is a conversation the caller may not see).
 */
@Path("/api/v1/kb/articles")
@Tag(name = "Knowledge base")
public class KbArticleResource {

    /** @param url where the article is published, to send as a link; null when it has none */
    public record Article(String id, String title, String body, String url) {}

    private final CurrentCaller current;
    private final KbArticles articles;
    private final ConversationAccess access;

    KbArticleResource(CurrentCaller current, KbArticles articles, ConversationAccess access) {
        this.current = current;
        this.articles = articles;
        this.access = access;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "An article's title and body; with conversationId only an article for that conversation's channel")
    public Uni<Article> get(@PathParam("id") String id, @QueryParam("conversationId") String conversationId) {
        Caller caller = current.staff();
        UUID article = Ids.of(id, "article");
        Uni<UUID> channel = access.channelOf(caller, conversationId);
        return channel.flatMap(ch -> articles.get(UUID.fromString(caller.tenantId()), article).map(a -> {
            if (ch != null && !a.channelIds().isEmpty() && !a.channelIds().contains(ch)) {
                throw Problem.notFound("article");
            }
            return new Article(a.id().toString(), a.title(), a.body(), a.url());
        }));
    }
}
