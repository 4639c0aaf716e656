package io.switchboard.customer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.conversation.ConversationAccess;
import io.switchboard.conversation.ConversationView;
import io.switchboard.conversation.VisibilitySql;
import io.switchboard.security.Caller;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The customer panel beside a conversation (C10, A8, F4): who the visitor says they are (the
 * page's claims, apart), who the tenant's CRM says the customer is (profile, tier, owner,
 * account), their past conversations the caller may open, the pages they opened and where they
 * came from. The tenant's {@code customerPanel} setting chooses the fields; a field not chosen
 * is left out of the answer, not only hidden by the console.
 */
@ApplicationScoped
public class CustomerPanel {

    public static final int PAST_CONVERSATIONS = 20;
    public static final int PAGES = 50;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Panel(Visitor visitor, Customer customer, List<Past> pastConversations, List<Page> pages, Source source,
                        List<String> fields) {}

    /** The visitor as their page described them: claims. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Visitor(String id, String name, String email, Map<String, Object> attributes) {}

    /** The customer as the tenant's CRM keeps them; null for an anonymous visitor. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Customer(String externalId, String name, String email, String tier, Named owner, Account account) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Account(String externalId, String name, Named owner) {}

    public record Named(String id, String name) {}

    /**
     * @param preview            the start of the latest message a visitor or agent wrote (notes and system lines left out)
     * @param previewAttachments that message's files, when it has any: a file-only message's preview
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Past(String id, String state, Instant createdAt, Instant closedAt, String assigneeName, String preview,
                       List<ConversationView.PreviewFile> previewAttachments, Integer rating) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(String url, String title, Instant at) {}

    /** Where the visitor came from: their first page's referrer, the search engine and keyword read from it, and that page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String referrer, String searchEngine, String searchKeyword, String landingPage) {}

    private static final String PROFILE = """
            select v.id, coalesce(v.name, 'Visitor #' || v.display_no) as name, v.email, v.claims, v.landing_page,
                   v.first_referrer, v.customer_id, cu.external_id, cu.name as customer_name, cu.email as customer_email,
                   cu.attributes->>'tier' as tier, cu.owner_id, (select s.name from staff_users s where s.id = cu.owner_id) as owner_name,
                   a.external_id as account_external_id, a.name as account_name, a.owner_id as account_owner_id,
                   (select s.name from staff_users s where s.id = a.owner_id) as account_owner_name,
                   (select t.customer_panel from tenant_settings t where t.tenant_id = v.tenant_id) as panel
            from visitors v
            left join customers cu on cu.id = v.customer_id and cu.tenant_id = v.tenant_id
            left join customer_accounts a on a.id = cu.account_id and a.tenant_id = v.tenant_id
            where v.id = $1 and v.tenant_id = $2""";

    private static final String PAGES_SQL = """
            select url, title, at from visitor_pages where visitor_id = $1 and tenant_id = $2 order by id desc limit $3""";

    private final Pool pool;
    private final ConversationAccess access;

    CustomerPanel(Pool pool, ConversationAccess access) {
        this.pool = pool;
        this.access = access;
    }

    /** The panel of a conversation the caller may see; 404 otherwise. */
    public Uni<Panel> of(Caller caller, String conversationId) {
        return access.visible(caller, conversationId).flatMap(c -> pool.preparedQuery(PROFILE)
                .execute(Tuple.of(UUID.fromString(c.visitorId()), UUID.fromString(c.tenantId())))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        throw Problem.notFound("conversation");
                    }
                    Row r = rows.iterator().next();
                    Set<String> shown = PanelFields.shown(PanelFields.parse(r.getString("panel")));
                    UUID customerId = r.getUUID("customer_id");
                    Uni<List<Past>> past = shown.contains("pastConversations") ? past(caller, c.id(), c.visitorId(), customerId)
                            : Uni.createFrom().nullItem();
                    Uni<List<Page>> pages = shown.contains("pages") ? pages(c.tenantId(), c.visitorId()) : Uni.createFrom().nullItem();
                    return Uni.combine().all().unis(past, pages).asTuple()
                            .map(t -> new Panel(visitor(r, shown), customer(r, shown), t.getItem1(), t.getItem2(),
                                    shown.contains("source") ? source(r) : null,
                                    PanelFields.ALL.stream().filter(shown::contains).toList()));
                }));
    }

    private static Visitor visitor(Row r, Set<String> shown) {
        Object claims = r.getValue("claims");
        return new Visitor(r.getUUID("id").toString(), shown.contains("name") ? r.getString("name") : null,
                shown.contains("email") ? r.getString("email") : null,
                shown.contains("attributes") && claims instanceof JsonObject o ? o.getMap() : null);
    }

    private static Customer customer(Row r, Set<String> shown) {
        if (r.getUUID("customer_id") == null) {
            return null;
        }
        Named owner = r.getUUID("owner_id") == null ? null : new Named(r.getUUID("owner_id").toString(), r.getString("owner_name"));
        Account account = r.getString("account_external_id") == null ? null
                : new Account(r.getString("account_external_id"), r.getString("account_name"),
                r.getUUID("account_owner_id") == null ? null
                        : new Named(r.getUUID("account_owner_id").toString(), r.getString("account_owner_name")));
        return new Customer(r.getString("external_id"), shown.contains("name") ? r.getString("customer_name") : null,
                shown.contains("email") ? r.getString("customer_email") : null,
                shown.contains("tier") ? r.getString("tier") : null, shown.contains("owner") ? owner : null,
                shown.contains("account") ? account : null);
    }

    private static Source source(Row r) {
        String referrer = r.getString("first_referrer");
        var found = SearchKeyword.of(referrer);
        return new Source(referrer, found.map(SearchKeyword.Found::engine).orElse(null),
                found.map(SearchKeyword.Found::keyword).orElse(null), r.getString("landing_page"));
    }

    /**
     * The visitor's other conversations, and an identified customer's from their other
     * visitors (channels, devices), newest first: only those the caller may open.
     */
    private Uni<List<Past>> past(Caller caller, String conversationId, String visitorId, UUID customerId) {
        String sql = """
                select c.id, c.state, c.created_at, c.closed_at, c.rating, u.name as assignee_name,
                  latest.preview, latest.attachments
                from conversations c left join staff_users u on u.id = c.assignee_id
                left join lateral (select left(m.text, 120) as preview, m.attachments from messages m
                                   where m.conversation_id = c.id and not m.internal and m.sender_kind <> 'system'
                                   order by m.seq desc limit 1) latest on true
                where c.tenant_id = $1 and c.id <> $3
                  and (c.visitor_id = $2 or c.visitor_id = any(array(select v.id from visitors v
                       where v.customer_id = $4 and v.tenant_id = $1)))
                  and """ + VisibilitySql.forCaller(caller, "c", "$1", "$5") + """

                order by c.created_at desc limit $6""";
        return pool.preparedQuery(sql)
                .execute(Tuple.tuple(Arrays.asList(UUID.fromString(caller.tenantId()), UUID.fromString(visitorId),
                        UUID.fromString(conversationId), customerId, UUID.fromString(caller.id()), PAST_CONVERSATIONS)))
                .map(rows -> {
                    List<Past> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Past(r.getUUID("id").toString(), r.getString("state"),
                                r.getOffsetDateTime("created_at").toInstant(),
                                r.getOffsetDateTime("closed_at") == null ? null : r.getOffsetDateTime("closed_at").toInstant(),
                                r.getString("assignee_name"), r.getString("preview"),
                                ConversationView.PreviewFile.listOf(r.getValue("attachments")), r.getInteger("rating")));
                    }
                    return out;
                });
    }

    private Uni<List<Page>> pages(String tenantId, String visitorId) {
        return pool.preparedQuery(PAGES_SQL)
                .execute(Tuple.of(UUID.fromString(visitorId), UUID.fromString(tenantId), PAGES))
                .map(rows -> {
                    List<Page> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Page(r.getString("url"), r.getString("title"), r.getOffsetDateTime("at").toInstant()));
                    }
                    return out;
                });
    }
}
