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
     * Where a search looks: the caller's visibility predicate alone, or that predicate over a
     * short list of the conversations it can be true for. An agent who sees few conversations
     * of a large tenant gets the list: reading their conversations' hits is then far cheaper
     * than walking the tenant's newest messages for the few that are theirs (benchmark P7).
     *
     * @param conversations the candidate conversations, or null to search by the predicate alone
     */
    public record Scope(List<UUID> conversations) {

        static final Scope PREDICATE = new Scope(null);

        /** The list when it is complete (below {@code limit}+1 ids, as asked for), else the predicate. */
        static Scope of(List<UUID> candidates, int limit) {
            return candidates.size() <= limit ? new Scope(List.copyOf(candidates)) : PREDICATE;
        }

        boolean narrowed() {
            return conversations != null;
        }

        UUID[] ids() {
            return conversations.toArray(UUID[]::new);
        }
    }

    /** $1 tenant, $2 agent, $3 the bound plus one. */
    static final String CANDIDATES_SQL = VisibilitySql.agentCandidates("$1", "$2", "$3");

    /**
     * $1 tenant, $2 tsquery, $3 caller, $4 from, $5 to, $6 channel, $7 before (message id), $8
     * limit. Newest first by id, the cursor of the next page. The GIN index on messages.search
     * finds the rows holding every lexeme; tenant, time, channel and visibility filter those.
     * For a common word PostgreSQL walks the newest messages instead, which ends soon when the
     * caller sees much of the tenant.
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
     * As {@link #messagesSql} within $9, a list of conversations ({@link Scope}). The hits of
     * those conversations come first, all of them (materialized, so PostgreSQL cannot turn back
     * to walking the tenant's newest messages, whose order the page wants): it reads them by the
     * conversations' key, the search index or both, whichever the word's frequency favours. Then
     * the predicate, as always, and the page.
     */
    static String narrowedMessagesSql(Caller caller) {
        return """
                with hits as materialized (
                  select m.id, m.conversation_id, m.seq, m.sender_kind, m.internal, m.text, m.created_at
                  from messages m
                  where m.conversation_id = any($9::uuid[]) and m.search @@ $2::tsquery and m.tenant_id = $1
                    and ($4::timestamptz is null or m.created_at >= $4) and ($5::timestamptz is null or m.created_at < $5)
                    and ($7::bigint is null or m.id < $7)
                )
                select m.id, m.conversation_id, m.seq, m.sender_kind, m.internal, m.text, m.created_at
                from hits m join conversations c on c.id = m.conversation_id
                where c.tenant_id = $1 and ($6::uuid is null or c.channel_id = $6)
                  and """ + VisibilitySql.forCaller(caller, "c", "$1", "$3") + """

                order by m.id desc limit $8""";
    }

    /**
     * $1 tenant, $2 the query lower-cased, $3 caller, $4 from, $5 to, $6 channel, $7 limit. The
     * visitors whose name, email or customer record (its id, name, email) contains the query,
     * among the conversations the caller sees; a customer is one contact whatever visitors they
     * came as, as in the recent contacts ({@link RecentContacts}), with their latest such
     * conversation. A contact without a conversation the caller sees is not listed. Narrowed
     * ({@link Scope}), $8 lists the conversations to read.
     */
    static String contactsSql(Caller caller, boolean narrowed) {
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
                    and """ + (narrowed ? " c.id = any($8::uuid[]) and " : "") + VisibilitySql.forCaller(caller, "c", "$1", "$3") + """

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

    /**
     * Where the caller's searches look ({@link Scope}): for an agent, the conversations they may
     * see when there are at most {@code switchboard.search.by-conversation-limit} of them; for
     * everyone else, and agents who see more, the predicate alone.
     */
    public Uni<Scope> scope(Caller caller) {
        if (!caller.isAgent() || caller.seesWholeTenant()) {
            return Uni.createFrom().item(Scope.PREDICATE);
        }
        int limit = config.byConversationLimit();
        if (limit <= 0) {
            return Uni.createFrom().item(Scope.PREDICATE);
        }
        // Not under the search's time bound: each part of the list reads at most limit + 1 index entries.
        return pool.preparedQuery(CANDIDATES_SQL).execute(Tuple.of(UUID.fromString(caller.tenantId()), UUID.fromString(caller.id()), limit + 1))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        ids.add(r.getUUID(0));
                    }
                    return Scope.of(ids, limit);
                });
    }

    /** Up to {@code limit} messages, newest first, within {@code scope}. */
    public Uni<List<MessageHit>> messages(Caller caller, Scope scope, SearchTokens.Query query, Filters f, int limit) {
        List<Object> args = new ArrayList<>(Arrays.asList(UUID.fromString(caller.tenantId()), query.tsquery(), UUID.fromString(caller.id()),
                time(f.from()), time(f.to()), f.channelId(), f.before(), limit));
        if (scope.narrowed()) {
            args.add(scope.ids());
        }
        return bounded(scope.narrowed() ? narrowedMessagesSql(caller) : messagesSql(caller), Tuple.tuple(args))
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

    /** Up to {@code limit} contacts whose name, email or customer record holds {@code text}, most recent first, within {@code scope}. */
    public Uni<List<RecentContacts.Contact>> contacts(Caller caller, Scope scope, String text, Filters f, int limit) {
        List<Object> args = new ArrayList<>(Arrays.asList(UUID.fromString(caller.tenantId()), text,
                UUID.fromString(caller.id()), time(f.from()), time(f.to()), f.channelId(), limit));
        if (scope.narrowed()) {
            args.add(scope.ids());
        }
        return bounded(contactsSql(caller, scope.narrowed()), Tuple.tuple(args))
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
