package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.search.SearchInput;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The knowledge base (C9): admins write articles, supervisors read them; staff search it at {@code /kb/search}. */
@Path("/api/v1/admin/kb/articles")
@Tag(name = "Admin: knowledge base")
public class AdminKbResource {

    static final int MAX_PAGE = 200;

    /**
     * @param channelIds empty: found in every channel's conversations
     * @param url        where the article is published; null when it has no address of its own
     */
    public record ArticleView(String id, String title, String body, List<String> tags, List<String> channelIds, String url,
                              Instant updatedAt) {

        static ArticleView of(KbArticles.Stored a) {
            return new ArticleView(a.id().toString(), a.title(), a.body(), a.tags(),
                    a.channelIds().stream().map(UUID::toString).toList(), a.url(), a.updatedAt());
        }
    }

    private final CurrentCaller current;
    private final KbArticles articles;

    AdminKbResource(CurrentCaller current, KbArticles articles) {
        this.current = current;
        this.articles = articles;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "The tenant's articles, most recently changed first, in pages")
    public Uni<List<ArticleView>> list(@QueryParam("limit") @DefaultValue("100") int limit,
                                       @QueryParam("offset") @DefaultValue("0") int offset) {
        SearchInput.limit(limit, MAX_PAGE);
        if (offset < 0) {
            throw Problem.invalid("offset", "must be 0 or more");
        }
        return articles.list(tenant(), limit, offset).map(l -> l.stream().map(ArticleView::of).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    public Uni<ArticleView> get(@PathParam("id") String id) {
        return articles.get(tenant(), Ids.of(id, "article")).map(ArticleView::of);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create an article; channelIds empty or left out: every channel")
    public Uni<Response> create(ArticleBody body) {
        KnowledgeRules.Article a = KnowledgeRules.article(body, null);
        return articles.create(tenant(), a).map(s -> Response.status(201).entity(ArticleView.of(s)).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change an article; fields left out stay as they are")
    public Uni<ArticleView> update(@PathParam("id") String id, ArticleBody body) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        return articles.update(tenant(), Ids.of(id, "article"), before -> KnowledgeRules.article(body, before)).map(ArticleView::of);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id) {
        return articles.delete(tenant(), Ids.of(id, "article")).map(v -> Response.noContent().build());
    }

    private UUID tenant() {
        return UUID.fromString(current.staff().tenantId());
    }
}
