package io.switchboard.routing.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which agents' live status and limit in Redis to set back to PostgreSQL's. Routing
 * reads both from Redis only, so a copy gone wrong stays wrong: an agent PostgreSQL has
 * online whom Redis has offline is never offered a conversation, and one PostgreSQL has
 * offline whom Redis has online keeps being assigned while away. Copies go wrong when the
 * second of a change's two writes is lost: PostgreSQL commits, then the replica dies or
 * Redis refuses the write; or two changes to the same agent race, committed in one order
 * and copied in the other. Pure: fed readings, it answers corrections, one instance per
 * tenant.
 *
 * <p>While a change is in flight the copies legitimately differ for a moment, so, as for
 * loads ({@link LoadDrift}), only a disagreement seen alike (same live value, same truth) at
 * two consecutive checks at least {@code apart} is corrected, and the correction is a
 * compare-and-set on the value read ({@link LiveAgents#correctSetting}).
 */
public final class SettingDrift {

    /** The live hash's fields that copy a column of {@code agents}. */
    public enum Setting {
        STATUS("status"), MAX("max");

        private final String field;

        Setting(String field) {
            this.field = field;
        }

        /** The field's name in the agent's live hash. */
        public String field() {
            return field;
        }
    }

    /**
     * One setting of one agent as one check saw it.
     *
     * @param live Redis's value, null when the agent has no live hash (seeding is not this class's business)
     * @param truth PostgreSQL's value, as Redis writes it (the status's wire name, the limit in decimal)
     */
    public record Reading(String agentId, Setting setting, String live, String truth) {}

    /** Set the field to {@code to}, provided it still holds {@code from}. */
    public record Correction(String agentId, Setting setting, String from, String to) {}

    private record Key(String agentId, Setting setting) {}

    private record Pair(String live, String truth) {}

    private final SecondLook<Key, Pair> look;

    /** @param apartMillis how long after first seeing a disagreement a check may correct it */
    public SettingDrift(long apartMillis) {
        this.look = new SecondLook<>(apartMillis);
    }

    /**
     * Feeds one check. Returns the corrections to make now and remembers the other
     * disagreements for the next check; settings absent from {@code readings}, without a hash,
     * or agreeing are forgotten.
     */
    public List<Correction> check(List<Reading> readings, long nowMillis) {
        Map<Key, Pair> disagreements = new LinkedHashMap<>();
        for (Reading r : readings) {
            if (r.live() != null && !r.live().equals(r.truth())) {
                disagreements.put(new Key(r.agentId(), r.setting()), new Pair(r.live(), r.truth()));
            }
        }
        List<Correction> out = new ArrayList<>();
        for (Key k : look.check(disagreements, nowMillis)) {
            Pair p = disagreements.get(k);
            out.add(new Correction(k.agentId(), k.setting(), p.live(), p.truth()));
        }
        return out;
    }
}
