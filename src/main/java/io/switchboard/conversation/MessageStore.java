package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.operations.MessageMetrics;
import io.switchboard.protocol.ServerFrames.AttachmentView;
import io.vertx.mutiny.sqlclient.Pool;
import io.switchboard.search.SearchTokens;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores the messages visitors and staff send: the hot path of the service. Each append is
 * one autocommit statement that checks the sender's right to write into the conversation,
 * finds a message already stored under the same clientId, or numbers and stores a new one,
 * and returns what the frames about it need. The common case is therefore one round trip;
 * when nothing is stored the caller finds out why with a second query, off the hot path.
 * Under load, appends that wait for a connection share a commit ({@link GroupCommit}).
 */
@ApplicationScoped
public class MessageStore {

    /**
     * A stored message: its sequence, whether it was already stored under that clientId, and
     * the conversation's assignee as the append's own row update saw it (null while queued).
     * Fan-out must use this assignee, not one read before the append: the dispatcher may assign
     * the conversation in between and would then miss the message, since its history replay can
     * run before this append commits. For a duplicate it is the assignee now, and null once the
     * conversation is closed (the re-published message goes to whoever holds it now, see
     * {@link MessageRecipients}). {@code visitorId} and {@code visitorName} are filled in where
     * the sender's side needs them (see each append). {@code conversationId} is where the
     * message is stored: for a visitor's duplicate it may be an earlier conversation than the
     * one the append named.
     *
     * <p>{@code messageId} is the row, whose delivery is marked once published
     * ({@link DeliveryMarks}). {@code storedText} and {@code internal} are the stored message's,
     * for a duplicate that publishes it again; {@code storedText} is null for a new message,
     * whose text the caller has (the hot path does not ship it back). {@code attachments} are
     * what the message carries (C1), new or duplicate; empty for a plain message.
     */
    public record Appended(long seq, Instant sentAt, boolean duplicate, String assigneeId, String visitorId,
                           String visitorName, String conversationId, long messageId, String storedText, boolean internal,
                           List<String> participants, List<AttachmentView> attachments) {}

    /**
     * The experts in the conversation as the append saw them (C7): they receive its messages
     * live like the assignee. One probe of conversation_participants' key; empty nearly always.
     */
    private static final String PARTICIPANTS =
            "array(select p.user_id::text from conversation_participants p where p.conversation_id = $1) as participants";

    /** The same for a duplicate, whose conversation is the stored row's. */
    private static final String PARTICIPANTS_OF_EXISTING =
            "array(select p.user_id::text from conversation_participants p where p.conversation_id = existing.conversation_id)";

    /**
     * Records the new message as not yet published, in the append's own statement and commit
     * (docs/operations.md, "Message delivery"): the replica that publishes it deletes the row
     * ({@link DeliveryMarks}); should it die first, the delivery sweep of any replica publishes
     * it ({@link DeliverySweep}). One more row in the same statement, no extra round trip.
     */
    static final String PENDING = "insert into message_deliveries (message_id) select id from ins";

    /*
     * Both statements share a shape. "allowed" is the conversation if the sender may write
     * into it; a clientId is looked up only there, so a sender can never learn about, or be
     * answered from, a conversation that is not theirs. "bump" repeats the right check instead
     * of reading "allowed": an UPDATE re-evaluates its own WHERE on the newest row version after
     * waiting for a concurrent writer, so a close or transfer committed meanwhile is honoured.
     */

    /**
     * $1 conversation, $2 tenant, $3 visitor, $4 clientId, $5 text, $6 its search lexemes. Only the visitor's own live
     * conversation. A visitor's clientId names one message across all their conversations, so
     * "existing" looks in every conversation of the visitor (the sender is the visitor of the
     * token: nothing of anyone else's can be found) and answers a message re-sent after its
     * conversation was closed with its original conversation and seq.
     */
    private static final String APPEND_BY_VISITOR = """
            with existing as (
              select m.id, m.conversation_id, m.seq, m.created_at, m.text,
                case when c.state <> 'closed' then c.assignee_id end as assignee_id
              from messages m join conversations c on c.id = m.conversation_id
              where m.tenant_id = $2 and m.sender_kind = 'visitor' and m.sender_id = $3 and m.client_id = $4
            ), bump as (
              update conversations set last_seq = last_seq + 1, last_visitor_message_at = now()
              where id = $1 and tenant_id = $2 and visitor_id = $3 and state <> 'closed'
                and not exists (select 1 from existing)
              returning last_seq, assignee_id
            ), ins as (
              insert into messages (tenant_id, conversation_id, seq, client_id, sender_kind, sender_id, text, internal, search)
              select $2, $1, last_seq, $4, 'visitor', $3, $5, false, array_to_tsvector($6::text[]) from bump
              returning id, seq, created_at
            ), pending as (
              """ + PENDING + """
            )
            select ins.seq, ins.created_at, false as duplicate, bump.assignee_id, $3 as visitor_id,
              (select coalesce(v.name, 'Visitor #' || v.display_no) from visitors v where v.id = $3) as visitor_name,
              $1 as conversation_id, ins.id as message_id, null::text as stored_text, false as internal, """ + PARTICIPANTS + """

            from ins, bump
            union all
            select seq, created_at, true, assignee_id, $3,
              (select coalesce(v.name, 'Visitor #' || v.display_no) from visitors v where v.id = $3),
              conversation_id, id, text, false, """ + PARTICIPANTS_OF_EXISTING + """

            from existing
            """;

    /**
     * $1 conversation, $2 tenant, $3 staff user, $4 clientId, $5 text, $6 the caller sees the
     * whole tenant (supervisor, admin), $7 internal note, $8 the text's search lexemes. Agents write only where they are the
     * assignee or an invited expert (C7). A resent clientId is answered even after the close, as
     * it always was for staff.
     */
    private static final String APPEND_BY_STAFF = """
            with allowed as (
              select id, visitor_id, case when state <> 'closed' then assignee_id end as assignee_id from conversations
              where id = $1 and tenant_id = $2 and ($6 or assignee_id = $3
                or exists (select 1 from conversation_participants p where p.conversation_id = $1 and p.user_id = $3))
            ), existing as (
              select m.id, m.seq, m.created_at, m.text, m.internal, a.assignee_id, a.visitor_id
              from messages m join allowed a on a.id = m.conversation_id
              where m.sender_kind = 'agent' and m.sender_id = $3 and m.client_id = $4
            ), bump as (
              update conversations set last_seq = last_seq + 1,
                last_agent_message_at = case when $7 then last_agent_message_at else now() end,
                first_agent_reply_at = case when $7 then first_agent_reply_at else coalesce(first_agent_reply_at, now()) end
              where id = $1 and tenant_id = $2 and ($6 or assignee_id = $3
                  or exists (select 1 from conversation_participants p where p.conversation_id = $1 and p.user_id = $3))
                and state <> 'closed' and not exists (select 1 from existing)
              returning last_seq, assignee_id, visitor_id
            ), ins as (
              insert into messages (tenant_id, conversation_id, seq, client_id, sender_kind, sender_id, text, internal, search)
              select $2, $1, last_seq, $4, 'agent', $3, $5, $7, array_to_tsvector($8::text[]) from bump
              returning id, seq, created_at
            ), pending as (
              """ + PENDING + """
            )
            select ins.seq, ins.created_at, false as duplicate, bump.assignee_id, bump.visitor_id, null::text as visitor_name,
              $1 as conversation_id, ins.id as message_id, null::text as stored_text, $7 as internal, """ + PARTICIPANTS + """

            from ins, bump
            union all
            select seq, created_at, true, assignee_id, visitor_id, null::text, $1, id, text, internal, """ + PARTICIPANTS + """

            from existing
            """;

    /**
     * $1 new conversation id, $2 tenant, $3 channel, $4 visitor, $5 clientId, $6 text, $7 its search lexemes. A visitor
     * without a live conversation starts one with their first message: the conversation, its
     * {@code queued} event and message 1 in one statement and one commit. Nothing is inserted
     * when the visitor already has a live conversation (the partial unique index) or the
     * channel is not the tenant's or was removed. A clientId the visitor already used, in any conversation
     * (the first message of one an agent closed before its ack arrived), starts nothing and is
     * answered with its original conversation and seq. Starts share commits under load
     * (GroupCommit), and a group is one transaction where now() is the same for all: queued_at,
     * which orders the queue, takes the statement's own clock so a group's conversations queue
     * in arrival order.
     */
    static final String START_WITH_MESSAGE = """
            with existing as (
              select m.id, m.conversation_id, m.seq, m.created_at, m.text,
                case when c.state <> 'closed' then c.assignee_id end as assignee_id
              from messages m join conversations c on c.id = m.conversation_id
              where m.tenant_id = $2 and m.sender_kind = 'visitor' and m.sender_id = $4 and m.client_id = $5
            ), conv as (
              insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, queued_at,
                                         last_seq, last_visitor_message_at, hold)
              select $1, $2, ch.id, $4, ch.group_id, 'queued', clock_timestamp(), 1, now(),
                     """ + ConversationStore.ROUTING_HOLD + """
              from channels ch where ch.id = $3 and ch.tenant_id = $2 and ch.deleted_at is null and not exists (select 1 from existing)
              on conflict (visitor_id) where state <> 'closed' do nothing
              returning id, tenant_id
            ), queued as (
              insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, actor_id, data)
              select tenant_id, id, 'queued', 'visitor', $4, '{}'::jsonb from conv
            ), ins as (
              insert into messages (tenant_id, conversation_id, seq, client_id, sender_kind, sender_id, text, internal, search)
              select tenant_id, id, 1, $5, 'visitor', $4, $6, false, array_to_tsvector($7::text[]) from conv
              returning id, seq, created_at
            ), pending as (
              """ + PENDING + """
            )
            select ins.seq, ins.created_at, false as duplicate, null::uuid as assignee_id, $4 as visitor_id,
              (select coalesce(v.name, 'Visitor #' || v.display_no) from visitors v where v.id = $4) as visitor_name,
              $1 as conversation_id, ins.id as message_id, null::text as stored_text, false as internal,
              null::text[] as participants
            from ins
            union all
            select seq, created_at, true, assignee_id, $4,
              (select coalesce(v.name, 'Visitor #' || v.display_no) from visitors v where v.id = $4),
              conversation_id, id, text, false, """ + PARTICIPANTS_OF_EXISTING + """

            from existing
            """;

    /*
     * The same appends for a message with attachments (C1), $7 (visitor) or $9 (staff) the
     * upload ids: the uploads are claimed in the statement (MessageAttachments), the message is
     * stored only if every one was, and they are linked to it in the same commit. Separate
     * statements, so that a plain message, nearly all of them, runs exactly what it ran before.
     */

    /** The visitor's own uploads, not yet sent; a visitor's upload belongs to no conversation until sent. */
    static final String APPEND_BY_VISITOR_WITH_ATTACHMENTS = withAttachments(APPEND_BY_VISITOR, "$7",
            "a.uploader_kind = 'visitor' and a.uploader_id = $3 and (a.conversation_id is null or a.conversation_id = $1)",
            "with existing as (", "select m.id, m.conversation_id, m.seq, m.created_at, m.text,",
            "and not exists (select 1 from existing)\n  returning last_seq, assignee_id\n",
            "select $2, $1, last_seq, $4, 'visitor', $3, $5, false, array_to_tsvector($6::text[]) from bump");

    /** The staff member's own uploads for this conversation, not yet sent. */
    static final String APPEND_BY_STAFF_WITH_ATTACHMENTS = withAttachments(APPEND_BY_STAFF, "$9",
            "a.uploader_kind = 'agent' and a.uploader_id = $3 and a.conversation_id = $1",
            "with allowed as (", "select m.id, m.seq, m.created_at, m.text, m.internal,",
            "and state <> 'closed' and not exists (select 1 from existing)\n  returning last_seq, assignee_id, visitor_id\n",
            "select $2, $1, last_seq, $4, 'agent', $3, $5, $7, array_to_tsvector($8::text[]) from bump");

    /**
     * Builds an append with attachments from the plain one: claims the uploads before
     * everything else, reads a duplicate's attachments, makes the bump depend on the claim,
     * stores the attachments with the message, links the uploads, and returns the attachments
     * in both branches. Each piece must be found exactly once, checked when the class loads.
     */
    private static String withAttachments(String plain, String ids, String uploads, String firstCte, String existingColumns,
                                          String bumpTail, String insertValues) {
        String sql = once(plain, firstCte, "with " + MessageAttachments.CLAIMED.formatted(uploads, ids) + firstCte.substring(5));
        sql = once(sql, existingColumns, existingColumns + " m.attachments,");
        sql = once(sql, bumpTail, bumpTail.replace("\n  returning", MessageAttachments.ALL_CLAIMED.formatted(ids) + "\n  returning"));
        sql = once(sql, "sender_kind, sender_id, text, internal, search)\n  " + insertValues,
                "sender_kind, sender_id, text, internal, search, attachments)\n  " + insertValues.replace(" from bump",
                        ", " + MessageAttachments.AS_JSON.formatted(ids) + " from bump"));
        sql = once(sql, "returning id, seq, created_at\n", "returning id, seq, created_at, attachments\n");
        sql = once(sql, PENDING + ")\n", PENDING + ")" + MessageAttachments.LINKED.formatted(ids) + "\n");
        sql = once(sql, "from ins, bump\n", ", ins.attachments\nfrom ins, bump\n");
        return once(sql, "from existing\n", ", existing.attachments\nfrom existing\n");
    }

    private static String once(String sql, String piece, String replacement) {
        int at = sql.indexOf(piece);
        if (at < 0 || sql.indexOf(piece, at + 1) >= 0) {
            throw new IllegalStateException("append statement changed; cannot find exactly once: " + piece);
        }
        return sql.substring(0, at) + replacement + sql.substring(at + piece.length());
    }

    private final GroupCommit commits;
    private final MessageMetrics metrics;
    private final Pool pool;

    MessageStore(GroupCommit commits, MessageMetrics metrics, Pool pool) {
        this.commits = commits;
        this.metrics = metrics;
        this.pool = pool;
    }

    /**
     * Starts a conversation with the visitor's first message in one statement: until then the
     * conversation was created, read back and appended to in three round trips and two
     * commits, and the dispatcher could lock it as a queue head before its message was stored.
     * Empty when nothing was started (the visitor already has a live conversation): the caller
     * then appends to that one. Under load, starts share one commit (GroupCommit): the commit's
     * wait for the WAL was most of a start's cost.
     */
    public Uni<Optional<Appended>> startByVisitor(String tenantId, String channelId, String visitorId, String conversationId,
                                                  String clientId, String text) {
        Tuple args = Tuple.tuple(List.of(UUID.fromString(conversationId), UUID.fromString(tenantId), UUID.fromString(channelId),
                UUID.fromString(visitorId), clientId, text, SearchTokens.indexArray(text)));
        return commits.execute(START_WITH_MESSAGE, args, null)
                // The same clientId stored meanwhile by another socket of the visitor: run again to read it.
                .onFailure(ConversationStore::isUniqueViolation).retry().atMost(2)
                .map(MessageStore::appended)
                .invoke(a -> a.filter(x -> !x.duplicate()).ifPresent(x -> metrics.visitorStored()));
    }

    /**
     * A visitor's message into their own live conversation; the result carries the visitor's
     * display name for the message frame. Empty when the conversation is closed, absent, of
     * another tenant or of another visitor.
     */
    public Uni<Optional<Appended>> appendByVisitor(String tenantId, String conversationId, String visitorId,
                                                   String clientId, String text) {
        return appendByVisitor(tenantId, conversationId, visitorId, clientId, text, List.of());
    }

    /**
     * As above, carrying the visitor's uploads {@code attachments} (C1): also empty when one of
     * them is unknown, another's, or already sent (nothing is stored then).
     */
    public Uni<Optional<Appended>> appendByVisitor(String tenantId, String conversationId, String visitorId,
                                                   String clientId, String text, List<String> attachments) {
        UUID conversation = UUID.fromString(conversationId);
        Tuple args = Tuple.of(conversation, UUID.fromString(tenantId), UUID.fromString(visitorId), clientId, text,
                SearchTokens.indexArray(text));
        String sql = APPEND_BY_VISITOR;
        if (!attachments.isEmpty()) {
            args.addArrayOfUUID(uuids(attachments));
            sql = APPEND_BY_VISITOR_WITH_ATTACHMENTS;
        }
        return run(sql, args, conversation).invoke(a -> a.filter(x -> !x.duplicate()).ifPresent(x -> metrics.visitorStored()));
    }

    /**
     * A staff member's message or internal note; the result carries the conversation's visitor
     * for fan-out. Empty when nothing was stored: the conversation is absent, of another tenant,
     * not the agent's own (supervisors and admins may write into any), or closed.
     */
    public Uni<Optional<Appended>> appendByStaff(String tenantId, String conversationId, String staffId,
                                                 boolean seesWholeTenant, String clientId, String text, boolean internal) {
        return appendByStaff(tenantId, conversationId, staffId, seesWholeTenant, clientId, text, internal, List.of());
    }

    /** As above, carrying the staff member's uploads for this conversation (C1); empty as for a visitor's. */
    public Uni<Optional<Appended>> appendByStaff(String tenantId, String conversationId, String staffId, boolean seesWholeTenant,
                                                 String clientId, String text, boolean internal, List<String> attachments) {
        UUID conversation = UUID.fromString(conversationId);
        Tuple args = Tuple.tuple(List.of(conversation, UUID.fromString(tenantId), UUID.fromString(staffId),
                clientId, text, seesWholeTenant, internal, SearchTokens.indexArray(text)));
        String sql = APPEND_BY_STAFF;
        if (!attachments.isEmpty()) {
            args.addArrayOfUUID(uuids(attachments));
            sql = APPEND_BY_STAFF_WITH_ATTACHMENTS;
        }
        return run(sql, args, conversation).invoke(a -> a.filter(x -> !x.duplicate()).ifPresent(x -> metrics.agentStored()));
    }

    /**
     * Whether every upload named may go into a message of this sender in this conversation:
     * theirs, of the conversation (a visitor's not yet of any), not yet sent. Off the hot path:
     * asked only after an append with attachments stored nothing, to say why.
     */
    public Uni<Boolean> attachmentsSendable(String tenantId, String conversationId, String senderKind, String senderId,
                                            List<String> attachments) {
        return pool.preparedQuery("""
                        select count(*) = cardinality($4) as ok from attachments a
                        where a.id = any($4) and a.tenant_id = $1 and a.message_id is null
                          and a.uploader_kind = $2 and a.uploader_id = $3
                          and (a.conversation_id = $5 or ($2 = 'visitor' and a.conversation_id is null))""")
                .execute(Tuple.of(UUID.fromString(tenantId), senderKind, UUID.fromString(senderId), uuids(attachments),
                        conversationId == null ? null : UUID.fromString(conversationId)))
                .map(rows -> rows.iterator().next().getBoolean("ok"));
    }

    private static UUID[] uuids(List<String> ids) {
        return ids.stream().map(UUID::fromString).toArray(UUID[]::new);
    }

    private Uni<Optional<Appended>> run(String sql, Tuple args, UUID conversationId) {
        // Under load several appends share one commit (GroupCommit); each still gets its own rows.
        return commits.execute(sql, args, conversationId)
                // Two copies of one clientId racing: the loser hits the unique index; run again to read the winner.
                .onFailure(ConversationStore::isUniqueViolation).retry().atMost(2)
                .map(MessageStore::appended);
    }

    private static Optional<Appended> appended(RowSet<Row> rows) {
        return ConversationStore.first(rows).map(r -> new Appended(r.getInteger("seq"),
                r.getOffsetDateTime("created_at").toInstant(), r.getBoolean("duplicate"),
                ConversationRow.str(r.getUUID("assignee_id")), ConversationRow.str(r.getUUID("visitor_id")),
                r.getString("visitor_name"), ConversationRow.str(r.getUUID("conversation_id")),
                r.getLong("message_id"), r.getString("stored_text"), r.getBoolean("internal"), participants(r),
                MessageAttachments.of(r)));
    }

    private static List<String> participants(Row r) {
        String[] ids = r.getArrayOfStrings("participants");
        return ids == null ? List.of() : List.of(ids);
    }
}
