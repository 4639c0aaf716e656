package io.switchboard.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.event.FanOutTable.Recipient;
import io.switchboard.event.FanOutTable.Send;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-to-recipients table, row by row: for each event, who gets which frames (type and
 * fields, as docs/protocol.md has them), and who must not: a visitor never gets a staff-only
 * frame, an agent never hears of a conversation that is not theirs.
 */
class FanOutTableTest {

    static final String T = "00000000-0000-0000-0000-0000000000aa";
    static final String C = "00000000-0000-0000-0000-0000000000c1";
    static final String VISITOR = "00000000-0000-0000-0000-0000000000b1";
    static final String AGENT = "00000000-0000-0000-0000-0000000000d1";
    static final String SUPERVISOR = "00000000-0000-0000-0000-0000000000e1";
    static final String FROM = "00000000-0000-0000-0000-0000000000d2";
    static final String EXPERT = "00000000-0000-0000-0000-0000000000d3";
    static final String GROUP = "00000000-0000-0000-0000-0000000000f1";
    /** Frame types only staff may see. */
    static final Set<String> STAFF_ONLY = Set.of("status", "unassigned", "invited", "rated");

    final ObjectMapper mapper = new ObjectMapper();
    final FanOutTable table = new FanOutTable(new ServerFrames(mapper));
    final Facts.Figures figures = new Facts.Figures("online", 2, 5);
    final MessageView first = new MessageView(C, 1, "visitor", VISITOR, "Ann", "hello", false, Instant.EPOCH);
    final MessageView line = new MessageView(C, 4, "system", null, null, "No reply from the agent", false, Instant.EPOCH);
    final MessageView transferLine = MessageView.system(C, 5, "Transferred to Bo by Al.", false, Instant.EPOCH, "transferred");
    final MessageView noteLine = MessageView.system(C, 6, "Transfer note from Al: VIP", true, Instant.EPOCH, "transfer_note");
    final Facts.Figures fromFigures = new Facts.Figures("online", 0, 5);

    @Test
    void anAutomaticAssignmentTellsTheVisitorWhoServesThemAndGivesTheAgentTheHistoryAndFigures() {
        List<Send> out = table.deliveries(DomainEvent.Assigned.auto(T, C, AGENT, new JsonObject()),
                Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withFigures(figures).withHistory(List.of(first)));

        assertEquals(List.of("assigned"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(List.of("assigned", "message", "status"), types(out, Recipient.staff(AGENT)));
        JsonNode assigned = frame(out, Recipient.visitor(VISITOR), 0);
        assertEquals(C, assigned.get("conversationId").asText());
        assertEquals(AGENT, assigned.get("agent").get("id").asText());
        assertEquals("Bo", assigned.get("agent").get("name").asText());
        JsonNode status = frame(out, Recipient.staff(AGENT), 2);
        assertEquals(2, status.get("load").asInt());
        assertEquals(5, status.get("maxConcurrent").asInt());
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void aHandAssignmentIsAnnouncedLikeAnAutomaticOne() {
        List<Send> out = table.deliveries(DomainEvent.Assigned.byHand(T, C, SUPERVISOR, AGENT, "assign", 1),
                Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withFigures(figures));

        assertEquals(List.of("assigned"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(List.of("assigned", "status"), types(out, Recipient.staff(AGENT)));
        // The supervisor who chose acted by REST: their answer is the response, not a frame.
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void aCloseTellsTheVisitorAndTheAssigneeWhoAlsoGetsTheirFreedFigures() {
        List<Send> out = table.deliveries(new DomainEvent.Closed(T, C, DomainEvent.Actor.visitor(VISITOR), "visitor"),
                Facts.visitor(VISITOR).withAgent(AGENT, null).withFigures(figures));

        assertEquals(List.of("closed"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(List.of("closed", "status"), types(out, Recipient.staff(AGENT)));
        assertEquals("visitor", frame(out, Recipient.visitor(VISITOR), 0).get("reason").asText());
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void aCloseOfAWaitingConversationTellsOnlyTheVisitor() {
        List<Send> out = table.deliveries(new DomainEvent.Closed(T, C, DomainEvent.Actor.visitor(VISITOR), "visitor"),
                Facts.visitor(VISITOR));

        assertEquals(List.of("closed"), types(out, Recipient.visitor(VISITOR)));
        assertOnly(out, Recipient.visitor(VISITOR));
    }

    @Test
    void anAutoCloseSendsItsSystemLineToTheVisitorAndTheAssigneeBeforeTheClose() {
        List<Send> out = new ArrayList<>(table.deliveries(new DomainEvent.AutoClosed(T, C, 5),
                Facts.visitor(VISITOR).withAgent(AGENT, null).withLine(line)));
        out.addAll(table.deliveries(new DomainEvent.Closed(T, C, DomainEvent.Actor.SYSTEM, "timeout"),
                Facts.visitor(VISITOR).withAgent(AGENT, null).withFigures(figures)));

        assertEquals(List.of("message", "closed"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(List.of("message", "closed", "status"), types(out, Recipient.staff(AGENT)));
        assertEquals("timeout", frame(out, Recipient.visitor(VISITOR), 1).get("reason").asText());
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void anAutoReassignTellsTheSilentAgentWithANoticeAndTheVisitorOnlyTheLine() {
        List<Send> out = table.deliveries(new DomainEvent.Reassigned(T, C, AGENT, 3),
                Facts.visitor(VISITOR).withLine(line).withFigures(figures));

        assertEquals(List.of("message"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(List.of("message", "notice", "status"), types(out, Recipient.staff(AGENT)));
        assertEquals("reassigned", frame(out, Recipient.staff(AGENT), 1).get("code").asText());
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void anAutoReassignShowsItsLineToTheExpertsWithoutTheNoticeOrFigures() {
        List<Send> out = table.deliveries(new DomainEvent.Reassigned(T, C, AGENT, 3),
                Facts.visitor(VISITOR).withLine(line).withFigures(figures).withExperts(List.of(EXPERT, AGENT)));

        assertEquals(List.of("message"), types(out, Recipient.staff(EXPERT)));
        // The agent it was taken from is told once, even when listed among the experts.
        assertEquals(List.of("message", "notice", "status"), types(out, Recipient.staff(AGENT)));
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT), Recipient.staff(EXPERT));
    }

    @Test
    void anOutOfHoursNoticeGoesToTheVisitorOnly() {
        List<Send> out = table.deliveries(new DomainEvent.OutOfHours(T, C, "g", new JsonObject(), "We are away"),
                Facts.visitor(VISITOR));

        assertEquals(List.of("notice"), types(out, Recipient.visitor(VISITOR)));
        JsonNode notice = frame(out, Recipient.visitor(VISITOR), 0);
        assertEquals("out_of_hours", notice.get("code").asText());
        assertEquals("We are away", notice.get("text").asText());
        assertOnly(out, Recipient.visitor(VISITOR));
    }

    @Test
    void anUnmatchedConversationIsNoticedBySupervisorsAndNeverByItsVisitor() {
        List<Send> out = table.deliveries(new DomainEvent.Unmatched(T, C),
                Facts.visitor(VISITOR).withSupervisors(List.of(SUPERVISOR, AGENT)));

        assertEquals(List.of("notice"), types(out, Recipient.staff(SUPERVISOR)));
        assertEquals("unmatched", frame(out, Recipient.staff(SUPERVISOR), 0).get("code").asText());
        assertOnly(out, Recipient.staff(SUPERVISOR), Recipient.staff(AGENT));
    }

    @Test
    void anExpiredOfflineMessageClosesForTheVisitorWithTimeout() {
        List<Send> out = table.deliveries(new DomainEvent.Expired(T, C), Facts.visitor(VISITOR));

        assertEquals(List.of("closed"), types(out, Recipient.visitor(VISITOR)));
        assertEquals("timeout", frame(out, Recipient.visitor(VISITOR), 0).get("reason").asText());
        assertOnly(out, Recipient.visitor(VISITOR));
    }

    @Test
    void anAgentsStatusOrLimitChangeGoesToTheirOwnSessionsOnly() {
        for (DomainEvent e : List.of(new DomainEvent.AgentStatusChanged(T, AGENT, "break"),
                new DomainEvent.AgentLimitChanged(T, AGENT, 5))) {
            List<Send> out = table.deliveries(e, Facts.agent(AGENT, figures));
            assertEquals(List.of("status"), types(out, Recipient.staff(AGENT)), e.kind());
            assertOnly(out, Recipient.staff(AGENT));
        }
    }

    @Test
    void eventsWithoutSocketAudienceSendNothing() {
        Facts everyone = Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withFigures(figures).withSupervisors(List.of(SUPERVISOR));
        for (DomainEvent e : List.of(new DomainEvent.Queued(T, C, DomainEvent.Actor.visitor(VISITOR)),
                new DomainEvent.Routed(T, C, "g", new JsonObject()),
                new DomainEvent.Released(T, C, DomainEvent.Actor.staff(SUPERVISOR), AGENT),
                new DomainEvent.CapacityFreed(T, AGENT))) {
            assertEquals(List.of(), table.deliveries(e, everyone), e.kind());
        }
    }

    // ---------------------------------------------------------------- teamwork (C6, C7, C8)

    private Facts transferFacts() {
        return Facts.visitor(VISITOR).withLine(transferLine).withNote(noteLine).withExperts(List.of(EXPERT))
                .withTransfer(new Facts.Transfer(FROM, "Al", "VIP")).withFromFigures(fromFigures);
    }

    @Test
    void aTransferToAnAgentGivesThemTheTransferHistoryAndFiguresAndTellsTheVisitorOnlyWhoServesThemAndTheLine() {
        List<Send> out = table.deliveries(new DomainEvent.Transferred(T, C, DomainEvent.Actor.staff(FROM), FROM,
                        new DomainEvent.Target("agent", AGENT, "Bo"), "VIP"),
                transferFacts().withAgent(AGENT, "Bo").withFigures(figures).withHistory(List.of(first, transferLine, noteLine)));

        assertEquals(List.of("assigned", "message"), types(out, Recipient.visitor(VISITOR)));
        JsonNode toVisitor = frame(out, Recipient.visitor(VISITOR), 0);
        assertEquals(AGENT, toVisitor.get("agent").get("id").asText());
        assertTrue(!toVisitor.has("transfer"), "the visitor never reads the transfer or its note");
        assertEquals(5, frame(out, Recipient.visitor(VISITOR), 1).get("seq").asInt());
        assertEquals("transferred", frame(out, Recipient.visitor(VISITOR), 1).get("event").asText());

        assertEquals(List.of("assigned", "message", "message", "message", "status"), types(out, Recipient.staff(AGENT)));
        assertTrue(!frame(out, Recipient.staff(AGENT), 1).has("event"), "a visitor's message has no event");
        assertEquals("transfer_note", frame(out, Recipient.staff(AGENT), 3).get("event").asText());
        JsonNode assigned = frame(out, Recipient.staff(AGENT), 0);
        assertEquals("Bo", assigned.get("agent").get("name").asText());
        assertEquals(FROM, assigned.get("transfer").get("from").get("id").asText());
        assertEquals("Al", assigned.get("transfer").get("from").get("name").asText());
        assertEquals("VIP", assigned.get("transfer").get("note").asText());
        assertEquals(2, frame(out, Recipient.staff(AGENT), 4).get("load").asInt());

        assertEquals(List.of("message", "message", "unassigned", "status"), types(out, Recipient.staff(FROM)));
        assertTrue(frame(out, Recipient.staff(FROM), 1).get("internal").asBoolean());
        JsonNode unassigned = frame(out, Recipient.staff(FROM), 2);
        assertEquals("transferred", unassigned.get("reason").asText());
        assertEquals("agent", unassigned.get("to").get("kind").asText());
        assertEquals(AGENT, unassigned.get("to").get("id").asText());
        assertEquals(0, frame(out, Recipient.staff(FROM), 3).get("load").asInt());

        assertEquals(List.of("message", "message"), types(out, Recipient.staff(EXPERT)));
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT), Recipient.staff(FROM), Recipient.staff(EXPERT));
    }

    @Test
    void aTransferOfAWaitingConversationNamesNoPreviousAssigneeAndTellsNobodyElse() {
        List<Send> out = table.deliveries(new DomainEvent.Transferred(T, C, DomainEvent.Actor.staff(SUPERVISOR), null,
                        new DomainEvent.Target("agent", AGENT, "Bo"), null),
                Facts.visitor(VISITOR).withLine(transferLine).withTransfer(new Facts.Transfer(null, null, null))
                        .withAgent(AGENT, "Bo").withFigures(figures));

        JsonNode transfer = frame(out, Recipient.staff(AGENT), 0).get("transfer");
        assertTrue(transfer.get("from").isNull());
        assertTrue(transfer.get("note").isNull());
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void aTransferToAGroupTellsTheVisitorOnlyTheLineAndThePreviousAssigneeWhereItWent() {
        List<Send> out = table.deliveries(new DomainEvent.Transferred(T, C, DomainEvent.Actor.staff(FROM), FROM,
                new DomainEvent.Target("group", GROUP, "Billing"), "VIP"), transferFacts());

        assertEquals(List.of("message"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(List.of("message", "message", "unassigned", "status"), types(out, Recipient.staff(FROM)));
        JsonNode to = frame(out, Recipient.staff(FROM), 2).get("to");
        assertEquals("group", to.get("kind").asText());
        assertEquals(GROUP, to.get("id").asText());
        assertEquals("Billing", to.get("name").asText());
        assertEquals(List.of("message", "message"), types(out, Recipient.staff(EXPERT)));
        // Nobody is assigned yet: the dispatcher's assigned follows.
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(FROM), Recipient.staff(EXPERT));
    }

    @Test
    void theVisitorNeverGetsATransfersNoteLine() {
        for (DomainEvent.Target to : List.of(new DomainEvent.Target("agent", AGENT, "Bo"),
                new DomainEvent.Target("group", GROUP, "Billing"))) {
            List<Send> out = table.deliveries(new DomainEvent.Transferred(T, C, DomainEvent.Actor.staff(FROM), FROM, to, "VIP"),
                    transferFacts().withAgent(AGENT, "Bo").withFigures(figures));
            for (Send s : out) {
                if (s.to().visitor()) {
                    JsonNode f = parse(s.frame());
                    assertTrue(!f.path("internal").asBoolean() && !f.has("transfer") && !s.frame().contains("VIP"),
                            to.kind() + ": " + s.frame());
                }
            }
        }
    }

    @Test
    void theAgentTheDispatcherGivesAConversationTransferredToAGroupGetsTheTransferAndTheVisitorDoesNot() {
        List<Send> out = table.deliveries(DomainEvent.Assigned.auto(T, C, AGENT, new JsonObject()),
                Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withFigures(figures)
                        .withTransfer(new Facts.Transfer(FROM, "Al", "VIP")));

        JsonNode transfer = frame(out, Recipient.staff(AGENT), 0).get("transfer");
        assertEquals(FROM, transfer.get("from").get("id").asText());
        assertEquals("Al", transfer.get("from").get("name").asText());
        assertEquals("VIP", transfer.get("note").asText());
        assertTrue(!frame(out, Recipient.visitor(VISITOR), 0).has("transfer"));
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT));
    }

    @Test
    void anInvitedExpertAloneIsToldWhoInvitedThem() {
        List<Send> out = table.deliveries(new DomainEvent.ParticipantJoined(T, C, DomainEvent.Actor.staff(AGENT), EXPERT),
                Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withActorName("Bo"));

        assertEquals(List.of("invited"), types(out, Recipient.staff(EXPERT)));
        JsonNode by = frame(out, Recipient.staff(EXPERT), 0).get("by");
        assertEquals(AGENT, by.get("id").asText());
        assertEquals("Bo", by.get("name").asText());
        assertOnly(out, Recipient.staff(EXPERT));
    }

    @Test
    void anExpertWhoLeavesOrIsRemovedAloneGetsUnassignedRemoved() {
        List<Send> out = table.deliveries(new DomainEvent.ParticipantLeft(T, C, DomainEvent.Actor.staff(AGENT), EXPERT),
                Facts.visitor(VISITOR).withAgent(AGENT, "Bo"));

        assertEquals(List.of("unassigned"), types(out, Recipient.staff(EXPERT)));
        JsonNode unassigned = frame(out, Recipient.staff(EXPERT), 0);
        assertEquals("removed", unassigned.get("reason").asText());
        assertTrue(!unassigned.has("to"));
        assertOnly(out, Recipient.staff(EXPERT));
    }

    @Test
    void aSurveyGoesToTheVisitorOnly() {
        List<Send> out = table.deliveries(new DomainEvent.SurveySent(T, C, DomainEvent.Actor.staff(AGENT)),
                Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withExperts(List.of(EXPERT)));

        assertEquals(List.of("survey"), types(out, Recipient.visitor(VISITOR)));
        assertEquals(C, frame(out, Recipient.visitor(VISITOR), 0).get("conversationId").asText());
        assertOnly(out, Recipient.visitor(VISITOR));
    }

    @Test
    void aRatingReachesTheAssigneeWhoeverAskedAndTheExpertsOnceEachAndNeverTheVisitor() {
        List<Send> out = table.deliveries(new DomainEvent.Rated(T, C, DomainEvent.Actor.visitor(VISITOR), 4, null),
                Facts.visitor(VISITOR).withAgent(AGENT, null).withSurveySentBy(SUPERVISOR).withExperts(List.of(EXPERT, AGENT)));

        for (Recipient r : List.of(Recipient.staff(AGENT), Recipient.staff(SUPERVISOR), Recipient.staff(EXPERT))) {
            assertEquals(List.of("rated"), types(out, r), r.id());
        }
        JsonNode rated = frame(out, Recipient.staff(AGENT), 0);
        assertEquals(4, rated.get("score").asInt());
        assertTrue(rated.get("comment").isNull());
        assertOnly(out, Recipient.staff(AGENT), Recipient.staff(SUPERVISOR), Recipient.staff(EXPERT));
    }

    @Test
    void aRatingWithoutSurveyOrAssigneeReachesOnlyTheExperts() {
        List<Send> out = table.deliveries(new DomainEvent.Rated(T, C, DomainEvent.Actor.visitor(VISITOR), 5, "great"),
                Facts.visitor(VISITOR).withExperts(List.of(EXPERT)));

        assertEquals("great", frame(out, Recipient.staff(EXPERT), 0).get("comment").asText());
        assertOnly(out, Recipient.staff(EXPERT));
    }

    @Test
    void aCloseTellsTheExpertsTooWithoutFigures() {
        List<Send> out = table.deliveries(new DomainEvent.Closed(T, C, DomainEvent.Actor.staff(AGENT), "agent"),
                Facts.visitor(VISITOR).withAgent(AGENT, null).withFigures(figures).withExperts(List.of(EXPERT)));

        assertEquals(List.of("closed"), types(out, Recipient.staff(EXPERT)));
        assertEquals("agent", frame(out, Recipient.staff(EXPERT), 0).get("reason").asText());
        assertEquals(List.of("closed", "status"), types(out, Recipient.staff(AGENT)));
        assertOnly(out, Recipient.visitor(VISITOR), Recipient.staff(AGENT), Recipient.staff(EXPERT));
    }

    @Test
    void anAutoCloseSendsItsLineAndTheCloseToTheExperts() {
        Facts facts = Facts.visitor(VISITOR).withAgent(AGENT, null).withLine(line).withExperts(List.of(EXPERT));
        List<Send> out = new ArrayList<>(table.deliveries(new DomainEvent.AutoClosed(T, C, 5), facts));
        out.addAll(table.deliveries(new DomainEvent.Closed(T, C, DomainEvent.Actor.SYSTEM, "timeout"), facts));

        assertEquals(List.of("message", "closed"), types(out, Recipient.staff(EXPERT)));
    }

    /** Facts with every field filled: whatever an event can send, it sends with these. */
    private Facts everything() {
        return Facts.visitor(VISITOR).withAgent(AGENT, "Bo").withFigures(figures).withHistory(List.of(first))
                .withLine(line).withSupervisors(List.of(SUPERVISOR)).withNote(noteLine).withExperts(List.of(EXPERT))
                .withTransfer(new Facts.Transfer(FROM, "Al", "VIP")).withFromFigures(fromFigures).withActorName("Al")
                .withSurveySentBy(SUPERVISOR);
    }

    @Test
    void theKindsRecordedForDeliveryAreExactlyThoseSomebodyHearsOf() {
        // A kind with frames but no delivery row would lose them with its replica; a kind with a
        // row but no frames would cost a write and a mark for nothing.
        for (DomainEvent e : EveryKind.events()) {
            assertEquals(!table.deliveries(e, everything()).isEmpty(), FanOutTable.announces(e.kind()), e.kind());
        }
        assertEquals(FanOutTable.ANNOUNCED, Set.copyOf(EveryKind.events().stream().map(DomainEvent::kind)
                .filter(FanOutTable::announces).toList()), "every announced kind is in the list above");
    }

    @Test
    void noVisitorEverReceivesAStaffOnlyFrame() {
        Facts everything = everything();
        for (DomainEvent e : EveryKind.events()) {
            for (Send s : table.deliveries(e, everything)) {
                if (!s.to().equals(Recipient.visitor(VISITOR))) {
                    continue;
                }
                JsonNode f = parse(s.frame());
                String type = f.get("type").asText();
                assertTrue(!STAFF_ONLY.contains(type) && !"notice".equals(type) || e instanceof DomainEvent.OutOfHours,
                        e.kind() + " sent " + type + " to the visitor");
                assertTrue(!f.path("internal").asBoolean() && !f.has("transfer"), e.kind() + " sent " + s.frame() + " to the visitor");
            }
        }
    }

    private List<String> types(List<Send> out, Recipient to) {
        List<String> types = new ArrayList<>();
        for (Send s : out) {
            if (s.to().equals(to)) {
                types.add(parse(s.frame()).get("type").asText());
            }
        }
        return types;
    }

    private JsonNode frame(List<Send> out, Recipient to, int index) {
        return parse(out.stream().filter(s -> s.to().equals(to)).toList().get(index).frame());
    }

    private static void assertOnly(List<Send> out, Recipient... allowed) {
        Set<Recipient> ok = Set.of(allowed);
        for (Send s : out) {
            assertTrue(ok.contains(s.to()), "unexpected recipient " + s.to());
        }
        assertEquals(ok, Set.copyOf(out.stream().map(Send::to).toList()), "every expected recipient got something");
    }

    private JsonNode parse(String frame) {
        try {
            return mapper.readTree(frame);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
