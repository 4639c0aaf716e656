package io.switchboard.conversation;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.switchboard.event.DeliveryConfig;
import io.switchboard.event.Publisher;
import io.switchboard.protocol.ServerFrames;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the messages a replica stored but never published: it died between the commit and
 * the publish, or Redis refused the publish (docs/operations.md, "Message delivery"). Every
 * replica runs it; the claim keeps it exact: rows older than the grace period are locked with
 * {@code for update skip locked}, published, and deleted in that same transaction, so a
 * concurrent sweep skips them and then finds them gone. A sweeper that dies mid-way rolls
 * back, and the next sweep anywhere publishes them again (at least once; clients drop a seq
 * they hold). Within a conversation messages go out in id order, which is seq order.
 */
@ApplicationScoped
public class DeliverySweep {

    private static final Logger LOG = Logger.getLogger(DeliverySweep.class);

    /**
     * $1 grace in milliseconds, $2 batch. The assignee as the conversation has it now (null
     * once closed); a row whose message is gone (no foreign key, see V12) is claimed and
     * dropped. The sender's name is the one the live frame would have carried.
     */
    static final String CLAIM = """
            select d.message_id, m.tenant_id, m.conversation_id, m.seq, m.sender_kind, m.sender_id, m.text, m.internal,
              m.created_at, m.attachments, case when c.state <> 'closed' then c.assignee_id end as assignee_id, c.visitor_id,
              case when m.sender_kind = 'visitor'
                then (select coalesce(v.name, 'Visitor #' || v.display_no) from visitors v where v.id = m.sender_id)
                else (select s.name from staff_users s where s.id = m.sender_id) end as sender_name,
              array(select p.user_id::text from conversation_participants p where p.conversation_id = m.conversation_id) as participants,
              case when m.internal then array(select s.id::text from staff_users s
                where s.tenant_id = m.tenant_id and s.roles && array['supervisor', 'admin']) end as supervisors
            from message_deliveries d
            left join messages m on m.id = d.message_id
            left join conversations c on c.id = m.conversation_id
            where d.stored_at < now() - $1::float8 * interval '1 millisecond'
            order by d.message_id
            limit $2::int
            for update of d skip locked
            """;

    private final Pool pool;
    private final Publisher publisher;
    private final MessageFanout fanout;
    private final DeliveryConfig config;

    DeliverySweep(Pool pool, Publisher publisher, MessageFanout fanout, DeliveryConfig config) {
        this.pool = pool;
        this.publisher = publisher;
        this.fanout = fanout;
        this.config = config;
    }

    @Scheduled(every = "${switchboard.delivery.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("published %d stored messages no replica had published", n);
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("delivery sweep failed, the next one retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** One sweep: how many messages it published. Fails (and claims nothing) when Redis refused the publish. */
    public Uni<Integer> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
                .execute(Tuple.of((double) config.grace().toMillis(), config.batch()))
                .flatMap(rows -> rows.size() == 0 ? Uni.createFrom().item(0) : publishClaimed(conn, rows)));
    }

    private Uni<Integer> publishClaimed(SqlConnection conn, RowSet<Row> rows) {
        List<Long> claimed = new ArrayList<>(rows.size());
        List<Publisher.Delivery> deliveries = new ArrayList<>();
        int messages = 0;
        for (Row r : rows) {
            claimed.add(r.getLong("message_id"));
            if (r.getUUID("tenant_id") == null) {
                continue;
            }
            messages++;
            ServerFrames.MessageView view = new ServerFrames.MessageView(r.getUUID("conversation_id").toString(),
                    r.getInteger("seq"), r.getString("sender_kind"), ConversationRow.str(r.getUUID("sender_id")),
                    r.getString("sender_name"), r.getString("text"), r.getBoolean("internal"),
                    r.getOffsetDateTime("created_at").toInstant(), null, MessageAttachments.of(r));
            deliveries.addAll(fanout.deliveries(new MessageFanout.Stored(r.getLong("message_id"),
                    r.getUUID("tenant_id").toString(), view, ConversationRow.str(r.getUUID("assignee_id")),
                    ConversationRow.str(r.getUUID("visitor_id")), strings(r, "participants"), strings(r, "supervisors")), null));
        }
        int published = messages;
        return publisher.delivered(deliveries).flatMap(ok -> {
            if (!ok) {
                // Rolls the claim back: the rows stay for the next sweep.
                return Uni.createFrom().failure(new IllegalStateException("publish of swept messages failed"));
            }
            return conn.preparedQuery(DeliveryMarks.DELETE).execute(Tuple.of(claimed.toArray(new Long[0])))
                    .replaceWith(published);
        });
    }

    private static List<String> strings(Row r, String column) {
        String[] ids = r.getArrayOfStrings(column);
        return ids == null ? List.of() : List.of(ids);
    }
}
