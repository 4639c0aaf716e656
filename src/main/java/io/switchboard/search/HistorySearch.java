package io.switchboard.search;

import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.RecentContacts;
import io.switchboard.conversation.VisibilitySql;
import io.switchboard.security.Caller;
import io.vertx.mutiny.sqlclient.Pool;
import io.switchboard.common.Problem;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Searches contacts and chat history (C5) within what the caller may see: every statement
 * carries {@link VisibilitySql}'s predicate for the caller, so a conversation outside it is
 * never read, let alone answered. Staff who see a conversation read its internal notes over
 * REST; search finds them alike, marked {@code internal}.
 */
@ApplicationScoped
public class HistorySearch {

    /** The filters of one search. {@code from} inclusive, {@code to} exclusive; {@code before} a page cursor. */
    public record Filters(Instant from, Instant to, UUID channelId, Long before) {}

    public record MessageHit(long id, String conversationId, long seq, String senderKind, boolean internal, String text, Instant sentAt) {}

    /**
     * $1 tenant, $2 tsquery, $3 caller, $4 from, $5 to, $6 channel, $7 before (message id), $8
     * limit. Newest first by id, the cursor of the next page. The GIN index on messages.search
     * finds the rows holding every lexeme; tenant, time, channel and visibility filter those.
     */
    static String messagesSql(Caller caller) {
        return """
                select m.id, m.conversation_id, m.seq, m.sender_kind, m.internal, m.text, m.created_at
                from messages m join conversations c on c.id = m.conversation_id
                where m.search @@ $2::tsquery and m.tenant_id = $1 and c.tenant_id = $1
                  and ($4::timestamptz is null or m.created_at >= $4) and ($5::timestamptz is null or m.created_at < $5)
                  and ($6::uuid is null or c.channel_id = $6) and ($7::bigint is null or m.id < $7)
                  and """ + VisibilitySql.forCaller(caller, "c", "$1", "$3") + """

                order by m.id desc limit $8""";
    }

    /**
     * $1 tenant, $2 the query lower-cased, $3 caller, $4 from, $5 to, $6 channel, $7 limit. The
     * visitors whose name, email or customer record (its id, name, email) contains the query,
     * among the conversations the caller sees; a customer is one contact whatever visitors they
     * came as, as in the recent contacts ({@link RecentContacts}), with their latest such
     * conversation. A contact without a conversation the caller sees is not listed.
     */
    static String contactsSql(Caller caller) {
        return """
                with matched as (
                  select c.id, c.visitor_id, c.channel_id, c.state, v.customer_id,
                    coalesce(greatest(c.last_visitor_message_at, c.last_agent_message_at, c.closed_at), c.created_at) as at
                  from conversations c join visitors v on v.id = c.visitor_id
                  left join customers cu on cu.id = v.customer_id
                  where c.tenant_id = $1 and v.tenant_id = $1
                    and ($5::timestamptz is null or c.created_at < $5)
                    and ($6::uuid is null or c.channel_id = $6)
                    and (strpos(lower(coalesce(v.name, 'visitor #' || v.display_no)), $2) > 0
                         or strpos(lower(coalesce(v.email, '')), $2) > 0
                         or strpos(lower(coalesce(cu.external_id, '')), $2) > 0
                         or strpos(lower(coalesce(cu.name, '')), $2) > 0
                         or strpos(lower(coalesce(cu.email, '')), $2) > 0)
                    and """ + VisibilitySql.forCaller(caller, "c", "$1", "$3") + """

                ), ranked as (
                  select matched.*, row_number() over (partition by coalesce(customer_id, visitor_id) order by at desc, id) as n,
                         count(*) over (partition by coalesce(customer_id, visitor_id)) as conversations
                  from matched where $4::timestamptz is null or at >= $4
                )
                select r.visitor_id, cu.external_id, coalesce(cu.name, v.name, 'Visitor #' || v.display_no) as name,
                       coalesce(cu.email, v.email) as email, r.id as conversation_id, r.channel_id, r.state, r.at, r.conversations
                from ranked r
                join visitors v on v.id = r.visitor_id
                left join customers cu on cu.id = r.customer_id
                where r.n = 1
                order by r.at desc, r.id
                limit $7""";
    }

    /** PostgreSQL's code for a statement cancelled by statement_timeout. */
    static final String QUERY_CANCELED = "57014";

    private final Pool pool;
    private final SearchConfig config;

    HistorySearch(Pool pool, SearchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /**
     * Runs one search statement under the configured time bound: a query whose words are in
     * most of a large tenant's messages, over the whole history, could otherwise hold a
     * connection for as long as it takes. Past the bound it is cancelled and answered 503
     * (try again narrower), and the pool's connection is free at once.
     */
    private Uni<RowSet<Row>> bounded(String sql, Tuple args) {
        long ms = Math.max(1, config.statementTimeout().toMillis());
        return pool.withTransaction(conn -> conn.query("set local statement_timeout = " + ms).execute()
                        .flatMap(x -> conn.preparedQuery(sql).execute(args)))
                .onFailure(e -> e instanceof PgException pg && QUERY_CANCELED.equals(pg.getSqlState()))
                .transform(e -> new Problem(503, "Service Unavailable",
                        "the search took longer than " + config.statementTimeout().toSeconds()
                                + " s; narrow it with a period (from, to), a channel or more words"));
    }

    /** Up to {@code limit} messages, newest first. */
    public Uni<List<MessageHit>> messages(Caller caller, SearchTokens.Query query, Filters f, int limit) {
        return bounded(messagesSql(caller), Tuple.tuple(Arrays.asList(UUID.fromString(caller.tenantId()), query.tsquery(), UUID.fromString(caller.id()),
                        time(f.from()), time(f.to()), f.channelId(), f.before(), limit)))
                .map(rows -> {
                    List<MessageHit> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new MessageHit(r.getLong("id"), r.getUUID("conversation_id").toString(), r.getInteger("seq"),
                                r.getString("sender_kind"), r.getBoolean("internal"), r.getString("text"),
                                r.getOffsetDateTime("created_at").toInstant()));
                    }
                    return out;
                });
    }

    /** Up to {@code limit} contacts whose name, email or customer record holds {@code text}, most recent first. */
    public Uni<List<RecentContacts.Contact>> contacts(Caller caller, String text, Filters f, int limit) {
        return bounded(contactsSql(caller), Tuple.tuple(Arrays.asList(UUID.fromString(caller.tenantId()), text,
                        UUID.fromString(caller.id()), time(f.from()), time(f.to()), f.channelId(), limit)))
                .map(rows -> {
                    List<RecentContacts.Contact> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new RecentContacts.Contact(r.getUUID("visitor_id").toString(), r.getString("external_id"),
                                r.getString("name"), r.getString("email"), r.getUUID("conversation_id").toString(),
                                r.getUUID("channel_id").toString(), r.getString("state"), r.getOffsetDateTime("at").toInstant(),
                                r.getLong("conversations").intValue()));
                    }
                    return out;
                });
    }

    private static OffsetDateTime time(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
