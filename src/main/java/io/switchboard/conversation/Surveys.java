package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.EventLog;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.TeamworkFrames;
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
 * Satisfaction surveys (C8): staff ask, the visitor answers 1 to 5 with an optional comment,
 * once per conversation. The survey is a row of conversation_surveys, so "once" is the table's
 * key: a second survey inserts nothing (409), a second answer updates nothing. Both work on a
 * closed conversation: a survey usually follows the close.
 */
@ApplicationScoped
public class Surveys {

    /** A stored answer. */
    public record Rating(int score, String comment, Instant at) {}

    private final Pool pool;
    private final ConversationAccess access;
    private final EventLog events;
    private final FanOut fanOut;
    private final TeamworkFrames teamwork;

    Surveys(Pool pool, ConversationAccess access, EventLog events, FanOut fanOut, ServerFrames frames) {
        this.pool = pool;
        this.access = access;
        this.events = events;
        this.fanOut = fanOut;
        this.teamwork = new TeamworkFrames(frames.codec());
    }

    /** Staff ask the visitor to rate the conversation: its assignee, a supervisor or an admin; 409 when already asked. */
    public Uni<Instant> send(Caller staff, String conversationId) {
        return access.actable(staff, conversationId).flatMap(c -> ask(c, staff.id()).map(sent -> {
            if (sent == null) {
                throw Problem.conflict("a survey was already sent for this conversation");
            }
            return sent;
        }));
    }

    /**
     * After staff closed a conversation: asks for a rating when the tenant's {@code surveyOnClose}
     * is on and none was asked yet. Timeouts and visitors' own closes do not come here. Never
     * fails the close that called it.
     */
    public Uni<Void> afterStaffClose(String tenantId, ConversationRow c, String actorId) {
        return pool.preparedQuery("select survey_on_close from tenant_settings where tenant_id = $1")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .flatMap(rows -> {
                    var it = rows.iterator();
                    boolean on = it.hasNext() && Boolean.TRUE.equals(it.next().getBoolean("survey_on_close"));
                    return on ? ask(c, actorId).replaceWithVoid() : Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithNull();
    }

    /** Records the survey and its event, then sends the visitor {@code survey}; null when one was sent before. */
    private Uni<Instant> ask(ConversationRow c, String actorId) {
        DomainEvent.SurveySent event = new DomainEvent.SurveySent(c.tenantId(), c.id(),
                actorId == null ? DomainEvent.Actor.SYSTEM : DomainEvent.Actor.staff(actorId));
        long[] recorded = {0};
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                insert into conversation_surveys (conversation_id, tenant_id, sent_by) values ($1, $2, $3)
                                on conflict (conversation_id) do nothing returning sent_at""")
                        .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(c.tenantId()),
                                actorId == null ? null : UUID.fromString(actorId)))
                        .flatMap(rows -> {
                            var it = rows.iterator();
                            if (!it.hasNext()) {
                                return Uni.createFrom().<Instant>nullItem();
                            }
                            Instant sent = it.next().getOffsetDateTime("sent_at").toInstant();
                            return events.append(conn, event).invoke(id -> recorded[0] = id).replaceWith(sent);
                        }))
                .call(sent -> sent == null ? Uni.createFrom().voidItem()
                        : fanOut.publish(Committed.of(recorded[0], event, Facts.visitor(c.visitorId()))));
    }

    /**
     * The visitor's answer to their own conversation's survey (the caller checked it is
     * theirs). Stored once: a conversation already rated answers 409 and keeps its rating. An
     * answer without a survey is taken too (the survey row is created with it): what matters is
     * one rating per conversation. The conversation's rating columns mirror it for lists and
     * reports. Staff of the conversation get {@code rated} after commit.
     */
    public Uni<Void> rate(ConversationRow c, int score, String comment) {
        if (score < 1 || score > 5) {
            return Uni.createFrom().failure(Problem.invalid("score", "must be 1 to 5"));
        }
        if (comment != null && comment.length() > 1000) {
            return Uni.createFrom().failure(Problem.invalid("comment", "at most 1000 characters"));
        }
        String text = comment == null || comment.isBlank() ? null : comment;
        UUID id = UUID.fromString(c.id());
        UUID tenant = UUID.fromString(c.tenantId());
        DomainEvent.Rated event = new DomainEvent.Rated(c.tenantId(), c.id(), DomainEvent.Actor.visitor(c.visitorId()), score, text);
        long[] recorded = {0};
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                insert into conversation_surveys (conversation_id, tenant_id, score, comment, rated_at)
                                values ($1, $2, $3, $4, now())
                                on conflict (conversation_id) do update
                                  set score = excluded.score, comment = excluded.comment, rated_at = excluded.rated_at
                                  where conversation_surveys.score is null
                                returning sent_by""")
                        .execute(Tuple.of(id, tenant, score, text))
                        .flatMap(rows -> {
                            var it = rows.iterator();
                            if (!it.hasNext()) {
                                throw Problem.conflict("this conversation was already rated");
                            }
                            UUID sentBy = it.next().getUUID("sent_by");
                            return conn.preparedQuery("""
                                            update conversations set rating = $3, rating_comment = $4, rated_at = now()
                                            where id = $1 and tenant_id = $2""")
                                    .execute(Tuple.of(id, tenant, score, text))
                                    .flatMap(x -> events.append(conn, event))
                                    .invoke(eventId -> recorded[0] = eventId)
                                    .flatMap(x -> conn.preparedQuery(
                                                    "select user_id from conversation_participants where conversation_id = $1")
                                            .execute(Tuple.of(id)))
                                    .map(experts -> {
                                        List<String> ids = new ArrayList<>(experts.size());
                                        for (Row r : experts) {
                                            ids.add(r.getUUID("user_id").toString());
                                        }
                                        // The last assignee, for a closed conversation: it keeps assignee_id.
                                        return Facts.NONE.withAgent(c.assigneeId(), null).withExperts(ids)
                                                .withSurveySentBy(sentBy == null ? null : sentBy.toString());
                                    });
                        }))
                .flatMap(facts -> fanOut.publish(Committed.of(recorded[0], event, facts)));
    }

    /** Appends {@code survey} to a visitor's resume when the conversation's survey is still unanswered. */
    public Uni<List<String>> askAgainIfPending(ConversationRow c, List<String> out) {
        return pool.preparedQuery("select 1 from conversation_surveys where conversation_id = $1 and tenant_id = $2 and score is null")
                .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(c.tenantId())))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return out;
                    }
                    List<String> more = new ArrayList<>(out);
                    more.add(teamwork.survey(c.id()));
                    return more;
                });
    }

    /** The conversation's rating, or null while it has none. */
    public Uni<Rating> rating(String tenantId, String conversationId) {
        return pool.preparedQuery("""
                        select score, comment, rated_at from conversation_surveys
                        where conversation_id = $1 and tenant_id = $2 and score is not null""")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new Rating(r.getInteger("score"), r.getString("comment"), r.getOffsetDateTime("rated_at").toInstant());
                });
    }
}
