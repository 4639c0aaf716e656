package io.switchboard.event;

import io.smallrye.mutiny.Uni;
import io.switchboard.protocol.ServerFrames;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * After commit: sends each event's frames to the recipients {@link FanOutTable} names, all of
 * a call's frames in one pipelined publish, then runs the {@link Reaction}s. Services record
 * events in their transaction and hand the committed ones here; none builds frames or
 * recipient lists of its own.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private final Publisher publisher;
    private final FanOutTable table;
    private final Pool pool;
    private final Instance<Reaction> reactions;
    private final GatheredMarks marks;

    private final io.switchboard.operations.Faults faults;

    FanOut(Publisher publisher, ServerFrames frames, Pool pool, Instance<Reaction> reactions, io.vertx.core.Vertx vertx,
           DeliveryConfig config, io.switchboard.operations.Faults faults) {
        this.faults = faults;
        this.publisher = publisher;
        this.table = new FanOutTable(frames);
        this.pool = pool;
        this.reactions = reactions;
        this.marks = new GatheredMarks(pool, vertx, "event_deliveries", "event_id", config.markLinger(), config.markBatch());
    }

    public Uni<Void> publish(Committed committed) {
        return publish(List.of(committed));
    }

    /**
     * Publishes the events' frames, in order, marks the recorded ones delivered once Redis took
     * them all, and then reacts to them. Never fails: what did not go out stays recorded and
     * the event sweep publishes it after the grace period.
     */
    public Uni<Void> publish(List<Committed> committed) {
        if (committed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        for (Committed c : committed) {
            faults.eventCommitted(c.event().kind());
        }
        return send(committed).flatMap(all -> {
            if (all.delivered()) {
                for (Committed c : all.events()) {
                    if (c.id() > 0) {
                        marks.delivered(c.id());
                    }
                }
            }
            return react(all.events());
        }).onFailure().invoke(e -> LOG.warnf(e, "fan-out of %d events failed", committed.size()))
                .onFailure().recoverWithNull();
    }

    /**
     * The event sweep's publish of events whose replica never announced them: the same table,
     * no reactions (the dispatcher's own sweeps serve what freed capacity, outbox consumers
     * read the log) and no marks (the sweep deletes the rows it claimed in its transaction).
     * Answers whether Redis took every frame; fails only when the facts could not be completed.
     */
    public Uni<Boolean> republish(List<Committed> committed) {
        if (committed.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        return send(committed).map(Sent::delivered);
    }

    private record Sent(List<Committed> events, boolean delivered) {}

    private Uni<Sent> send(List<Committed> committed) {
        return withSupervisors(committed, 0).flatMap(all -> {
            List<Publisher.Delivery> deliveries = new ArrayList<>(all.size() * 4);
            for (Committed c : all) {
                for (FanOutTable.Send s : table.deliveries(c.event(), c.facts())) {
                    String tenantId = c.event().tenantId();
                    deliveries.add(s.to().visitor() ? publisher.visitor(tenantId, s.to().id(), s.frame())
                            : publisher.staff(tenantId, s.to().id(), s.frame()));
                }
            }
            return publisher.delivered(deliveries).map(ok -> new Sent(all, ok));
        });
    }

    private Uni<Void> react(List<Committed> all) {
        List<Uni<Void>> runs = new ArrayList<>();
        for (Committed c : all) {
            for (Reaction r : reactions) {
                runs.add(r.react(c).onFailure().invoke(e -> LOG.debugf(e, "reaction to %s failed", c.event().kind()))
                        .onFailure().recoverWithNull());
            }
        }
        return runs.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(runs).andCollectFailures().replaceWithVoid();
    }

    /** Events for the tenant's supervisors (an unmatched conversation) learn who they are now, not before commit. */
    private Uni<List<Committed>> withSupervisors(List<Committed> in, int from) {
        for (int i = from; i < in.size(); i++) {
            Committed c = in.get(i);
            if (c.event() instanceof DomainEvent.Unmatched && c.facts().supervisors().isEmpty()) {
                int at = i;
                return supervisors(c.event().tenantId()).flatMap(ids -> {
                    List<Committed> out = new ArrayList<>(in);
                    out.set(at, new Committed(c.id(), c.event(), c.facts().withSupervisors(ids)));
                    return withSupervisors(out, at + 1);
                });
            }
        }
        return Uni.createFrom().item(in);
    }

    /** The tenant's admins and supervisors who may still log in. */
    private Uni<List<String>> supervisors(String tenantId) {
        return pool.preparedQuery("""
                        select id from staff_users where tenant_id = $1 and disabled_at is null
                          and roles && array['admin','supervisor']::text[]""")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .map(rows -> {
                    List<String> ids = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        ids.add(r.getUUID("id").toString());
                    }
                    return ids;
                });
    }
}
