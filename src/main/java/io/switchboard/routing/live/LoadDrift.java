package io.switchboard.routing.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which agents' live loads in Redis to correct from PostgreSQL's count of their open
 * conversations (DESIGN rule 1: "a reconciler corrects drift from PostgreSQL"), and by how
 * much. Pure: it is fed readings and answers corrections; one instance per tenant remembers
 * the previous check.
 *
 * <p>A difference is not always drift. A claim reserves capacity in Redis first and is
 * recorded in PostgreSQL a moment later, and a close commits in PostgreSQL before it gives the
 * unit back in Redis: between the two steps Redis legitimately reads higher. Correcting such a
 * reading would undo a reservation about to be committed. So a difference is corrected only
 * when two consecutive checks at least {@code apart} from each other (the reconciler runs every
 * 5 s) saw Redis off in the same direction, on the same hash (its correction generation, which
 * a seed or a correction renews). Checks closer together than that (a start-up run next to a
 * scheduled one) do not count as a second look.
 *
 * <p>Why the direction and not the exact difference, and why a delta and not a value: an
 * agent whom Redis counts short looks free, so every dispatch reserves them in Redis, is
 * refused by PostgreSQL's count under their row lock and gives the unit back. Such a drift
 * draws in-flight reservations onto the very agent being judged, and the queue sweep runs in
 * the same scheduler tick as the reconciler; so the readings of that agent alternated (short by
 * two, short by one) and were never "the same difference twice", and a compare-and-set on the
 * load read lost to the next reservation. Redis's load stayed short for good. Now the in-flight
 * steps, which only ever make Redis read higher, are allowed for: the correction is the
 * smallest difference seen at the looks, applied as an increment (so a reservation in flight
 * is kept) and only while the hash is still of the generation read (so two replicas, or two
 * checks, never apply the same correction twice).
 *
 * <p>Were a legitimate difference still corrected (a reservation in flight at both looks), the
 * damage is bounded and heals itself: an undercount lets a Redis claim through that
 * PostgreSQL's own count under the agent's row lock then refuses (no assignment over the
 * limit, ever), an overcount holds back one assignment, and the next two checks put the
 * figure right again.
 */
public final class LoadDrift {

    /**
     * One agent as one check saw it.
     *
     * @param live Redis's load, null when the agent has no live hash (seeding is not this class's business)
     * @param open PostgreSQL's count of the agent's open conversations
     * @param generation the hash's correction generation, read with the load
     */
    public record Reading(String agentId, Integer live, long open, String generation) {

        public Reading(String agentId, Integer live, long open) {
            this(agentId, live, open, "");
        }
    }

    /** Add {@code by} to the agent's live load, provided its hash still is of {@code generation}. */
    public record Correction(String agentId, String generation, int by) {}

    /** A drift being watched: its direction, on which hash, the smallest difference seen, since when. */
    private record Seen(int direction, String generation, long smallest, long sinceMillis) {}

    private final long apartMillis;
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
            if (r.live() == null || r.live() == r.open()) {
                continue;
            }
            long difference = r.live() - r.open();
            int direction = Long.signum(difference);
            Seen before = previous.get(r.agentId());
            if (before == null || before.direction() != direction || !Objects.equals(before.generation(), r.generation())) {
                seen.put(r.agentId(), new Seen(direction, r.generation(), difference, nowMillis));
                continue;
            }
            // In-flight steps only raise Redis's reading: the smallest difference is the settled one.
            long smallest = Math.min(before.smallest(), difference);
            if (nowMillis - before.sinceMillis() >= apartMillis) {
                out.add(new Correction(r.agentId(), r.generation(), (int) -smallest));
            } else {
                // Seen again too soon to count as a second look: keep when it was first seen.
                seen.put(r.agentId(), new Seen(direction, r.generation(), smallest, before.sinceMillis()));
            }
        }
        previous.clear();
        previous.putAll(seen);
        return out;
    }
}
