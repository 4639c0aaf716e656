package io.switchboard.timer;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.conversation.RuleRouting;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Offline messages (B5): a message left out of hours is released to its group's queue when
 * the group opens, and any offline message still unserved after seven days expires. Any
 * replica may run this: each change is one conditional statement, so a conversation is
 * released or expired once, and only the replica whose statement changed it tells anyone.
 */
@ApplicationScoped
public class OfflineMessages {

    /** The data of every {@link DomainEvent.Expired}: the same for all, so the sweep writes them in its one statement. */
    private static final io.vertx.core.json.JsonObject EXPIRED_DATA = new DomainEvent.Expired(
            "00000000-0000-0000-0000-000000000000", null).data();

    private final Pool pool;
    private final RuleRouting routing;
    private final QueueDispatcher dispatcher;
    private final FanOut fanOut;

    OfflineMessages(Pool pool, RuleRouting routing, QueueDispatcher dispatcher, FanOut fanOut) {
        this.pool = pool;
        this.routing = routing;
        this.dispatcher = dispatcher;
        this.fanOut = fanOut;
    }

    @Scheduled(every = "${switchboard.offline.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return expire().flatMap(v -> releaseOpened()).onFailure().recoverWithNull();
    }

    Uni<Void> expire() {
        return pool.preparedQuery("""
                        with expired as (
                          update conversations set state = 'closed', closed_at = now(), close_reason = 'timeout',
                                 hold = null
                          where state = 'queued' and offline_until < now()
                          returning id, tenant_id, visitor_id
                        ), logged as (
                          insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, data)
                          -- DomainEvent.Expired, for each: its kind, actor and data.
                          select tenant_id, id, 'expired', 'system', $1::jsonb
                          from expired
                          returning id as event_id, conversation_id
                        ), delivered as (
                          -- Recorded for delivery, as EventLog records every announced event (V16).
                          insert into event_deliveries (event_id) select event_id from logged
                        )
                        select x.id, x.tenant_id, x.visitor_id, l.event_id from expired x join logged l on l.conversation_id = x.id""")
                .execute(Tuple.of(EXPIRED_DATA))
                .flatMap(rows -> {
                    List<Committed> expired = new ArrayList<>();
                    for (Row r : rows) {
                        expired.add(Committed.of(r.getLong("event_id"), new DomainEvent.Expired(r.getUUID("tenant_id").toString(), r.getUUID("id").toString()),
                                Facts.visitor(r.getUUID("visitor_id").toString())));
                    }
                    return fanOut.publish(expired);
                });
    }

    /** Held offline messages of groups that are open now go into the group's queue. */
    Uni<Void> releaseOpened() {
        return pool.query("select distinct tenant_id, group_id from conversations where hold = 'offline' and state = 'queued'")
                .execute()
                .flatMap(rows -> {
                    List<Uni<Void>> runs = new ArrayList<>();
                    for (Row r : rows) {
                        String tenant = r.getUUID("tenant_id").toString();
                        String group = r.getUUID("group_id").toString();
                        runs.add(routing.hours(tenant).flatMap(hours -> {
                            var h = hours.get(group);
                            if (h == null || !h.isOpen(Instant.now())) {
                                return Uni.createFrom().voidItem();
                            }
                            return pool.preparedQuery("""
                                            update conversations set hold = null
                                            where tenant_id = $1 and group_id = $2 and hold = 'offline' and state = 'queued'""")
                                    .execute(Tuple.of(UUID.fromString(tenant), UUID.fromString(group)))
                                    .flatMap(u -> u.rowCount() > 0 ? dispatcher.dispatch(tenant, group) : Uni.createFrom().voidItem());
                        }));
                    }
                    return runs.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(runs).andCollectFailures().replaceWithVoid();
                });
    }
}
