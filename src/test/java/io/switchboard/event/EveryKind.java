package io.switchboard.event;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static io.switchboard.event.FanOutTableTest.AGENT;
import static io.switchboard.event.FanOutTableTest.C;
import static io.switchboard.event.FanOutTableTest.EXPERT;
import static io.switchboard.event.FanOutTableTest.FROM;
import static io.switchboard.event.FanOutTableTest.GROUP;
import static io.switchboard.event.FanOutTableTest.SUPERVISOR;
import static io.switchboard.event.FanOutTableTest.T;
import static io.switchboard.event.FanOutTableTest.VISITOR;

/** One domain event of every kind the log holds, for the tests that must cover them all. */
public final class EveryKind {

    private EveryKind() {}

    /** One event of every kind (both transfer targets, both ways of assigning). */
    public static List<DomainEvent> events() {
        return List.of(DomainEvent.Assigned.auto(T, C, AGENT, new JsonObject().put("chosen", AGENT).put("rule", "r1")),
                DomainEvent.Assigned.byHand(T, C, SUPERVISOR, AGENT, "assign", 3),
                new DomainEvent.Reassigned(T, C, AGENT, 3), new DomainEvent.AutoClosed(T, C, 5),
                new DomainEvent.Closed(T, C, DomainEvent.Actor.SYSTEM, "timeout"), new DomainEvent.Expired(T, C),
                new DomainEvent.OutOfHours(T, C, GROUP, new JsonObject().put("rule", "r1"), "away"), new DomainEvent.Unmatched(T, C),
                new DomainEvent.AgentStatusChanged(T, AGENT, "online"), new DomainEvent.AgentLimitChanged(T, AGENT, 4),
                new DomainEvent.Transferred(T, C, DomainEvent.Actor.staff(FROM), FROM, new DomainEvent.Target("agent", AGENT, "Bo"), "VIP"),
                new DomainEvent.Transferred(T, C, DomainEvent.Actor.staff(FROM), FROM, new DomainEvent.Target("group", GROUP, "B"), null),
                new DomainEvent.ParticipantJoined(T, C, DomainEvent.Actor.staff(AGENT), EXPERT),
                new DomainEvent.ParticipantLeft(T, C, DomainEvent.Actor.staff(AGENT), EXPERT),
                new DomainEvent.SurveySent(T, C, DomainEvent.Actor.staff(AGENT)),
                new DomainEvent.Rated(T, C, DomainEvent.Actor.visitor(VISITOR), 3, "ok"),
                new DomainEvent.Queued(T, C, DomainEvent.Actor.visitor(VISITOR)),
                new DomainEvent.Routed(T, C, GROUP, new JsonObject().put("rule", "r1")),
                new DomainEvent.Released(T, C, DomainEvent.Actor.staff(SUPERVISOR), AGENT),
                new DomainEvent.CapacityFreed(T, AGENT));
    }
}
