package io.switchboard.routing.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which agents' live loads in Redis to correct from PostgreSQL's count of their open
 * conversations (DESIGN rule 1: "a reconciler corrects drift from PostgreSQL"). Pure: it is
 * fed readings and answers corrections; one instance per tenant remembers the previous check.
 *
 * <p>A difference is not always drift. A claim reserves capacity in Redis first and is
 * recorded in PostgreSQL a moment later, and a close commits in PostgreSQL before it gives the
 * unit back in Redis: between the two steps Redis legitimately differs by one. Correcting such
 * a reading would undo a reservation about to be committed. So a difference is corrected only
 * when two consecutive checks at least {@code apart} from each other (the reconciler runs every
 * 5 s) saw the same difference, which an in-flight claim lasting milliseconds practically never
 * produces twice. Checks closer together than that (a start-up run next to a scheduled one)
 * do not count as a second look.
 * The correction itself is a compare-and-set on the load that was read
 * ({@link LiveAgents#correctLoad}), so a claim or release landing between the reading and the
 * write makes it a no-op, to be judged again by later checks.
 *
 * <p>Were a legitimate difference still corrected (two in-flight claims at two checks, with the
 * same offset), the damage is bounded and heals itself: an undercount lets a Redis claim
 * through that PostgreSQL's own count under the agent's row lock then refuses (no assignment
 * over the limit, ever), an overcount holds back one assignment, and the next two checks put
 * the figure right again.
 */
public final class LoadDrift {

    /**
     * One agent as one check saw it.
     *
     * @param live Redis's load, null when the agent has no live hash (seeding is not this class's business)
     * @param open PostgreSQL's count of the agent's open conversations
     */
    public record Reading(String agentId, Integer live, long open) {}

    /** Set the agent's live load to {@code to}, provided it still is {@code from}. */
    public record Correction(String agentId, int from, int to) {}

    private final SecondLook<String, Long> look;

    /** @param apartMillis how long after first seeing a difference a check may correct it */
    public LoadDrift(long apartMillis) {
        this.look = new SecondLook<>(apartMillis);
    }

    /**
     * Feeds one check. Returns the corrections to make now; remembers the other differences
     * for the next check. Agents missing from {@code readings}, without a hash, or whose figures
     * agree are forgotten: a difference must be seen at two consecutive checks. A correction
     * answered is forgotten too; if it could not be applied, later checks start over.
     */
    public List<Correction> check(List<Reading> readings, long nowMillis) {
        Map<String, Long> differences = new LinkedHashMap<>();
        Map<String, Reading> byAgent = new HashMap<>();
        for (Reading r : readings) {
            if (r.live() != null && r.live() != r.open()) {
                differences.put(r.agentId(), r.live() - r.open());
                byAgent.put(r.agentId(), r);
            }
        }
        List<Correction> out = new ArrayList<>();
        for (String agent : look.check(differences, nowMillis)) {
            Reading r = byAgent.get(agent);
            out.add(new Correction(agent, r.live(), (int) r.open()));
        }
        return out;
    }
}
