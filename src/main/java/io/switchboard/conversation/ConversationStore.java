package io.switchboard.conversation;

import io.switchboard.common.Problem;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.EventLog;

import io.smallrye.mutiny.Uni;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import io.switchboard.routing.QueueDiscipline;
import io.switchboard.routing.QueueEntry;
import io.switchboard.routing.QueueOrder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for conversations and messages. Every statement is scoped by tenant (DESIGN rule 5).
 * This is the hot path, so it uses the reactive client with hand-written statements
 * that each do their whole job in one round trip.
 */
@ApplicationScoped
public class ConversationStore {

    /** The hold of a conversation waiting for its tenant's rules to place it. */
    static final String ROUTING = "routing";

    /**
     * The hold a new conversation starts with, as SQL ($2 is the tenant): {@code 'routing'}
     * when the tenant has an enabled routing rule, so that no dispatch of the channel's group
     * serves it before {@link RuleRouting} has placed it; none otherwise, and it is
     * dispatchable at once. A conversation whose routing never finished (its replica died) is
     * routed again by the queue sweep.
     */
    static final String ROUTING_HOLD =
            "(select 'routing' where exists (select 1 from routing_rules r where r.tenant_id = $2 and r.enabled))";


    /** What a close changed: the agent whose capacity it frees (null if it was queued), and the event it recorded. */
    public record Closed(String visitorId, String assigneeId, String groupId, boolean wasQueued, DomainEvent.Closed event,
                         List<String> experts, long eventId) {}

    private final Pool pool;
    private final EventLog log;

    ConversationStore(Pool pool, EventLog log) {
        this.pool = pool;
        this.log = log;
    }

    public EventLog log() {
        return log;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<Optional<ConversationRow>> find(String tenantId, String conversationId) {
        return pool.preparedQuery("select " + ConversationRow.COLUMNS + " where c.id = $1 and c.tenant_id = $2")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId)))
                .map(ConversationStore::firstConversation);
    }

    public Uni<Optional<ConversationRow>> liveForVisitor(String tenantId, String visitorId) {
        return pool.preparedQuery("select " + ConversationRow.COLUMNS
                        + " where c.visitor_id = $1 and c.tenant_id = $2 and c.state <> 'closed'")
                .execute(Tuple.of(UUID.fromString(visitorId), UUID.fromString(tenantId)))
                .map(ConversationStore::firstConversation);
    }

    /** The visitor's latest conversation, live or closed. */
    public Uni<Optional<ConversationRow>> latestForVisitor(String tenantId, String visitorId) {
        return pool.preparedQuery("select " + ConversationRow.COLUMNS
                        + " where c.visitor_id = $1 and c.tenant_id = $2 order by c.created_at desc limit 1")
                .execute(Tuple.of(UUID.fromString(visitorId), UUID.fromString(tenantId)))
                .map(ConversationStore::firstConversation);
    }

    /**
     * Starts a queued conversation for the visitor, or returns the live one if another
     * request started it first (the partial unique index makes that race harmless). A removed
     * channel starts nothing: 404.
     * The boolean is true when this call created it.
     */
    public Uni<Started> startForVisitor(String tenantId, String channelId, String visitorId) {
        UUID id = UUID.randomUUID();
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, queued_at, hold)
                        select $1, $2, ch.id, $4, ch.group_id, 'queued', now(),
                               """ + ROUTING_HOLD + """
                        from channels ch where ch.id = $3 and ch.tenant_id = $2 and ch.deleted_at is null
                        on conflict (visitor_id) where state <> 'closed' do nothing
                        returning id""")
                .execute(Tuple.of(id, UUID.fromString(tenantId), UUID.fromString(channelId), UUID.fromString(visitorId)))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    return log.append(conn, new DomainEvent.Queued(tenantId, id.toString(), DomainEvent.Actor.visitor(visitorId)))
                            .replaceWith(true);
                }))
                // Nothing live and nothing started: the channel was removed (a visitor token outlives
                // it, but a removed channel takes no new conversations; live ones run to their close).
                .flatMap(created -> liveForVisitor(tenantId, visitorId)
                        .map(row -> new Started(row.orElseThrow(() -> Problem.notFound("channel")), created)));
    }

    public record Started(ConversationRow conversation, boolean created) {}

    /**
     * A system line in the transcript, from inside a transaction; {@code event} is the kind of
     * the domain event that wrote it, kept with it so clients need not read its words.
     */
    public Uni<Long> appendSystem(SqlClient conn, String tenantId, String conversationId, String text, String event) {
        return conn.preparedQuery("""
                        with bump as (
                          update conversations set last_seq = last_seq + 1 where id = $1 and tenant_id = $2 returning last_seq
                        )
                        insert into messages (tenant_id, conversation_id, seq, sender_kind, text, event)
                        select $2, $1, last_seq, 'system', $3, $4 from bump returning seq""")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), text, event))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getInteger("seq").longValue());
    }

    /** A message as frames show it: who sent it under which name. Callers add where and order by. */
    private static final String MESSAGE_VIEW = """
            select m.conversation_id, m.seq, m.sender_kind, m.sender_id,
              coalesce(u.name, coalesce(v.name, 'Visitor #' || v.display_no)) as sender_name,
              m.text, m.internal, m.created_at, m.event, m.attachments
            from messages m
            left join staff_users u on m.sender_kind = 'agent' and u.id = m.sender_id
            left join visitors v on m.sender_kind = 'visitor' and v.id = m.sender_id
            """;

    private static MessageView messageView(Row r, String conversationId) {
        return new MessageView(conversationId, r.getInteger("seq"), r.getString("sender_kind"),
                ConversationRow.str(r.getUUID("sender_id")), r.getString("sender_name"),
                r.getString("text"), r.getBoolean("internal"), r.getOffsetDateTime("created_at").toInstant(),
                r.getString("event"), MessageAttachments.of(r));
    }

    public Uni<List<MessageView>> messagesAfter(String tenantId, String conversationId, long afterSeq, int limit,
                                                boolean includeInternal) {
        return pool.preparedQuery(MESSAGE_VIEW + """
                        where m.conversation_id = $1 and m.tenant_id = $2 and m.seq > $3 and (not m.internal or $5)
                        order by m.seq limit $4""")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), afterSeq, limit, includeInternal))
                .map(rows -> {
                    List<MessageView> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(messageView(r, conversationId));
                    }
                    return out;
                });
    }

    /**
     * The first {@code upToSeq} messages of several conversations at once, internal notes
     * included (what a newly assigned agent is given), grouped by conversation in sequence order.
     */
    public Uni<Map<String, List<MessageView>>> openings(String tenantId, List<String> conversationIds, int upToSeq) {
        return pool.preparedQuery(MESSAGE_VIEW + """
                        where m.conversation_id = any($1) and m.tenant_id = $2 and m.seq <= $3
                        order by m.conversation_id, m.seq""")
                .execute(Tuple.of(conversationIds.stream().map(UUID::fromString).toArray(UUID[]::new), UUID.fromString(tenantId),
                        upToSeq))
                .map(rows -> {
                    Map<String, List<MessageView>> out = new HashMap<>();
                    for (Row r : rows) {
                        String conversationId = r.getUUID("conversation_id").toString();
                        out.computeIfAbsent(conversationId, k -> new ArrayList<>()).add(messageView(r, conversationId));
                    }
                    return out;
                });
    }

    /** Who sees a visitor's typing in a live conversation: its assignee and its experts. */
    public record TypingTarget(String conversationId, String assigneeId, List<String> experts) {}

    /**
     * For a visitor's {@code typing}, in one statement: the conversation named (any state, as
     * long as it is the visitor's) or, with none named, their live one; its assignee only while
     * it is open, and its experts. Empty when there is no such conversation.
     */
    public Uni<Optional<TypingTarget>> typingTarget(String tenantId, String visitorId, String conversationId) {
        return pool.preparedQuery("""
                        select c.id, case when c.state <> 'closed' then c.assignee_id end as assignee_id,
                          array(select p.user_id::text from conversation_participants p where p.conversation_id = c.id) as experts
                        from conversations c
                        where c.tenant_id = $1 and c.visitor_id = $2
                          and (($3::uuid is null and c.state <> 'closed') or c.id = $3)
                        limit 1""")
                .execute(Tuple.of(UUID.fromString(tenantId), UUID.fromString(visitorId),
                        conversationId == null ? null : UUID.fromString(conversationId)))
                .map(rows -> first(rows).map(r -> {
                    String[] experts = r.getArrayOfStrings("experts");
                    return new TypingTarget(r.getUUID("id").toString(), ConversationRow.str(r.getUUID("assignee_id")),
                            experts == null ? List.of() : List.of(experts));
                }));
    }

    /** Closes a live conversation; empty when it was already closed or does not exist. */
    public Uni<Optional<Closed>> close(String tenantId, String conversationId, String reason, DomainEvent.Actor actor) {
        return pool.withTransaction(conn -> close(conn, tenantId, conversationId, reason, actor));
    }

    /** Closes inside the caller's transaction, so a close can commit together with what decided it. */
    public Uni<Optional<Closed>> close(SqlClient conn, String tenantId, String conversationId, String reason,
                                       DomainEvent.Actor actor) {
        return conn.preparedQuery("""
                        update conversations c set state = 'closed', closed_at = now(), close_reason = $3
                        from conversations prev
                        where c.id = $1 and c.tenant_id = $2 and c.state <> 'closed' and prev.id = c.id
                        returning c.visitor_id, c.assignee_id, c.group_id, prev.state as prev_state,
                          array(select p.user_id::text from conversation_participants p where p.conversation_id = c.id) as experts""")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), reason))
                .flatMap(rows -> {
                    Optional<Row> row = first(rows);
                    if (row.isEmpty()) {
                        return Uni.createFrom().item(Optional.<Closed>empty());
                    }
                    Row r = row.get();
                    DomainEvent.Closed event = new DomainEvent.Closed(tenantId, conversationId, actor, reason);
                    Closed closed = new Closed(ConversationRow.str(r.getUUID("visitor_id")),
                            ConversationRow.str(r.getUUID("assignee_id")), ConversationRow.str(r.getUUID("group_id")),
                            "queued".equals(r.getString("prev_state")), event, List.of(r.getArrayOfStrings("experts")), 0);
                    return log.append(conn, event).map(id -> Optional.of(new Closed(closed.visitorId(), closed.assigneeId(),
                            closed.groupId(), closed.wasQueued(), event, closed.experts(), id)));
                });
    }

    public Uni<Void> markRead(String tenantId, String conversationId, boolean byVisitor, long seq) {
        String column = byVisitor ? "visitor_read_seq" : "agent_read_seq";
        return pool.preparedQuery("update conversations set " + column + " = greatest(" + column + ", least($3, last_seq))"
                        + " where id = $1 and tenant_id = $2")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), (int) Math.min(seq, Integer.MAX_VALUE)))
                .replaceWithVoid();
    }

    /**
     * One waiting conversation with its channel's queue settings; {@code front} is when it was
     * transferred to the head of its group's queue (C6), null for the ordinary queue.
     */
    public record Waiting(String conversationId, String visitorId, String visitorName, String channelId, String groupId,
                          java.time.Instant queuedAt, int channelPriority, String channelOrder, String hold,
                          java.time.Instant front) {

        public Waiting(String conversationId, String visitorId, String visitorName, String channelId, String groupId,
                       java.time.Instant queuedAt, int channelPriority, String channelOrder, String hold) {
            this(conversationId, visitorId, visitorName, channelId, groupId, queuedAt, channelPriority, channelOrder, hold, null);
        }

        public QueueEntry entry() {
            return new QueueEntry(conversationId, channelId, queuedAt);
        }
    }

    /**
     * Queued conversations of one group ({@code allGroups} false) or of the whole tenant,
     * unordered: {@link #order} puts them in serving order.
     */
    public Uni<List<Waiting>> waiting(SqlClient client, String tenantId, String groupId, boolean allGroups) {
        return waiting(client, tenantId, groupId, allGroups, false);
    }

    /** Like {@link #waiting(SqlClient, String, String, boolean)}; held conversations (unmatched, offline) only when asked. */
    public Uni<List<Waiting>> waiting(SqlClient client, String tenantId, String groupId, boolean allGroups, boolean withHeld) {
        return client.preparedQuery("""
                        select c.id, c.visitor_id, coalesce(v.name, 'Visitor #' || v.display_no) as visitor_name,
                               c.channel_id, c.group_id, c.queued_at, ch.priority, ch.queue_order, c.hold, c.queue_front
                        from conversations c join channels ch on ch.id = c.channel_id join visitors v on v.id = c.visitor_id
                        where c.tenant_id = $1 and c.state = 'queued' and ($3 or c.group_id is not distinct from $2)
                          and ($4 or c.hold is null)""")
                .execute(Tuple.of(UUID.fromString(tenantId), groupId == null ? null : UUID.fromString(groupId), allGroups, withHeld))
                .map(ConversationStore::waitingRows);
    }

    private static List<Waiting> waitingRows(RowSet<Row> rows) {
        List<Waiting> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new Waiting(r.getUUID("id").toString(), r.getUUID("visitor_id").toString(),
                    r.getString("visitor_name"), r.getUUID("channel_id").toString(),
                    ConversationRow.str(r.getUUID("group_id")),
                    r.getOffsetDateTime("queued_at").toInstant(), r.getInteger("priority"), r.getString("queue_order"),
                    r.getString("hold"), ConversationRow.inst(r.getOffsetDateTime("queue_front"))));
        }
        return out;
    }

    /**
     * The dispatcher's view of a group's queue: like {@link #waiting} without held ones, but
     * only the first {@code perChannel} of each channel in that channel's own order (first-in
     * or last-in), and without the visitors' names. Whatever the channels' priorities, the
     * first {@code perChannel} of the merged serving order are among these rows, so
     * {@link #order} on them starts exactly as it would on the whole queue; PostgreSQL ranks
     * the queue instead of sending all of it at every batch.
     */
    public Uni<List<Waiting>> heads(SqlClient client, String tenantId, String groupId, int perChannel) {
        return client.preparedQuery("""
                        select id, visitor_id, null::text as visitor_name, channel_id, group_id, queued_at, priority,
                               queue_order, null::text as hold, queue_front from (
                          select c.id, c.visitor_id, c.channel_id, c.group_id, c.queued_at, ch.priority, ch.queue_order, c.queue_front,
                                 row_number() over (partition by c.channel_id
                                   order by c.queue_front nulls last,
                                            case when ch.queue_order = 'lifo' then c.queued_at end desc, c.queued_at, c.id) as rank
                          from conversations c join channels ch on ch.id = c.channel_id
                          where c.tenant_id = $1 and c.state = 'queued' and c.group_id is not distinct from $2 and c.hold is null
                        ) q where rank <= $3""")
                .execute(Tuple.of(UUID.fromString(tenantId), groupId == null ? null : UUID.fromString(groupId), perChannel))
                .map(ConversationStore::waitingRows);
    }

    /**
     * Serving order (B4): conversations transferred to the head of the queue first (C6), earliest
     * transfer first, whatever their channel; then channel priority, then each channel's
     * first-in or last-in order. A transfer to a group hands over a conversation an agent
     * already worked on: its visitor has waited once and is not sent behind newcomers.
     */
    public static List<Waiting> order(List<Waiting> waiting) {
        List<Waiting> front = new ArrayList<>();
        List<Waiting> rest = new ArrayList<>(waiting.size());
        for (Waiting w : waiting) {
            (w.front() != null ? front : rest).add(w);
        }
        front.sort(java.util.Comparator.comparing(Waiting::front).thenComparing(Waiting::conversationId));
        Map<String, Integer> priority = new HashMap<>();
        Map<String, QueueDiscipline> discipline = new HashMap<>();
        Map<String, Waiting> byId = new HashMap<>();
        for (Waiting w : rest) {
            priority.put(w.channelId(), w.channelPriority());
            discipline.put(w.channelId(), "lifo".equals(w.channelOrder()) ? QueueDiscipline.LIFO : QueueDiscipline.FIFO);
            byId.put(w.conversationId(), w);
        }
        List<Waiting> out = new ArrayList<>(waiting.size());
        out.addAll(front);
        for (QueueEntry e : new QueueOrder(priority, discipline).order(rest.stream().map(Waiting::entry).toList())) {
            out.add(byId.get(e.conversationId()));
        }
        return out;
    }

    /**
     * Queued conversations of a group in serving order: their index + 1 is their position.
     * Read for queue positions, several times a second while a backlog lasts: so through the
     * dispatcher's query (no visitor join, no names), without its per-channel limit.
     */
    public Uni<List<String[]>> queue(String tenantId, String groupId) {
        return heads(pool, tenantId, groupId, Integer.MAX_VALUE).map(w -> {
            List<String[]> out = new ArrayList<>(w.size());
            for (Waiting x : order(w)) {
                out.add(new String[] {x.conversationId(), x.visitorId()});
            }
            return out;
        });
    }

    static Optional<ConversationRow> firstConversation(RowSet<Row> rows) {
        return first(rows).map(ConversationRow::from);
    }

    static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    /** A deadlock or serialization failure: the transaction was rolled back and may simply be run again. */
    static boolean isTransientConflict(Throwable t) {
        return t instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }

    static boolean isUniqueViolation(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
