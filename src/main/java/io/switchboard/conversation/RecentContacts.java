package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.switchboard.security.Caller;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Recent contacts (C3): the people a staff member served, as assignee or invited expert, in the
 * last {@code days} (1 to 180), most recent first, each with their last conversation. A
 * customer the tenant identified is one contact however many visitors (channels, devices) they
 * came as; an anonymous visitor is a contact of their own. The caller took part in each of
 * these conversations, so each is one they may open (docs/protocol.md, "Who sees which
 * conversation").
 */
@ApplicationScoped
public class RecentContacts {

    public static final int MAX_DAYS = 180;
    public static final int MAX_CONTACTS = 200;

    /** One contact: who, and their last conversation with the caller. {@code customerId} is the tenant's own id for them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Contact(String visitorId, String customerId, String name, String email, String lastConversationId,
                          String lastChannelId, String lastState, Instant lastAt, int conversations) {}

    // conversation_staff by user (its index), then each conversation by key; the window's
    // bound is on the conversation's creation so that the index narrows the read.
    private static final String SQL = """
            with served as (
              select distinct c.id, c.visitor_id, c.channel_id, c.state, v.customer_id,
                     coalesce(greatest(c.last_visitor_message_at, c.last_agent_message_at, c.closed_at), c.created_at) as at
              from conversation_staff s
              join conversations c on c.id = s.conversation_id
              join visitors v on v.id = c.visitor_id
              where s.user_id = $1 and s.tenant_id = $2 and c.tenant_id = $2
                and c.created_at > now() - make_interval(days => $3)
            ), ranked as (
              select served.*, coalesce(customer_id, visitor_id) as contact,
                     row_number() over (partition by coalesce(customer_id, visitor_id) order by at desc, id) as n,
                     count(*) over (partition by coalesce(customer_id, visitor_id)) as conversations
              from served
            )
            select r.visitor_id, cu.external_id, coalesce(cu.name, v.name, 'Visitor #' || v.display_no) as name,
                   coalesce(cu.email, v.email) as email, r.id as conversation_id, r.channel_id, r.state, r.at, r.conversations
            from ranked r
            join visitors v on v.id = r.visitor_id
            left join customers cu on cu.id = r.customer_id
            where r.n = 1
            order by r.at desc, r.id
            limit $4""";

    private final Pool pool;

    RecentContacts(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Contact>> of(Caller caller, int days) {
        return pool.preparedQuery(SQL)
                .execute(Tuple.of(UUID.fromString(caller.id()), UUID.fromString(caller.tenantId()), days, MAX_CONTACTS))
                .map(rows -> {
                    List<Contact> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Contact(r.getUUID("visitor_id").toString(), r.getString("external_id"), r.getString("name"),
                                r.getString("email"), r.getUUID("conversation_id").toString(), r.getUUID("channel_id").toString(),
                                r.getString("state"), r.getOffsetDateTime("at").toInstant(), r.getLong("conversations").intValue()));
                    }
                    return out;
                });
    }
}
