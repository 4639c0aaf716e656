package io.switchboard.routing.live;

import java.util.ArrayList;
import java.util.HashMap;
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

    /** A difference and when it was first seen in the current run of checks that saw it. */
    private record Seen(long difference, long atMillis) {}

    private final long apartMillis;
    /** Agent -> what the previous check saw. */
    private final Map<String, Seen> previous = new HashMap<>();

    /** @param apartMillis how long after first seeing a difference a check may correct it */
    public LoadDrift(long apartMillis) {
        this.apartMillis = apartMillis;
    }

    /**
     * Feeds one check. Returns the corrections to make now; remembers the other differences
     * for the next check. Agents missing from {@code readings}, without a hash, or whose figures
     * agree are forgotten: a difference must be seen at two consecutive checks. A correction
     * answered is forgotten too; if it could not be applied, later checks start over.
     */
    public synchronized List<Correction> check(List<Reading> readings, long nowMillis) {
        List<Correction> out = new ArrayList<>();
        Map<String, Seen> seen = new HashMap<>();
        for (Reading r : readings) {
            if (r.live() == null) {
                continue;
            }
            long difference = r.live() - r.open();
            if (difference == 0) {
                continue;
            }
            Seen before = previous.get(r.agentId());
            if (before == null || before.difference() != difference) {
                seen.put(r.agentId(), new Seen(difference, nowMillis));
            } else if (nowMillis - before.atMillis() >= apartMillis) {
                out.add(new Correction(r.agentId(), r.live(), (int) r.open()));
            } else {
                // Seen again too soon to count as a second look: keep when it was first seen.
                seen.put(r.agentId(), before);
            }
        }
        previous.clear();
        previous.putAll(seen);
        return out;
    }
}
