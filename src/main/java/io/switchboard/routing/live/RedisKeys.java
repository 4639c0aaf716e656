package io.switchboard.routing.live;

/**
 * Every Redis key and pub/sub channel Switchboard uses, in one place. All start with
 * {@code sb:}; those holding a tenant's data then name the tenant (DESIGN rule 5), and those
 * that belong to the deployment rather than a tenant (rate limits, metrics, sessions, socket
 * tickets) do not. Everything here can be rebuilt from PostgreSQL or may be lost at no cost.
 *
 * <p>A tenant's keys spell the tenant as a Redis Cluster hash tag, {@code sb:{<tenantId>}:...}:
 * Cluster hashes only what is between the braces, so all of one tenant's keys live in one slot
 * and a script given several of them (claims in order, snapshots) is accepted instead of
 * failing with CROSSSLOT. Scripts receive every key they touch in KEYS and never build one
 * ({@code RedisKeysClusterTest} checks both). Pub/sub channels take the same spelling for
 * consistency; Cluster broadcasts a PUBLISH to every node whatever the channel's name.
 */
public final class RedisKeys {

    private RedisKeys() {}

    /**
     * Hash of one agent's live state: {@code status} (online|break|offline), {@code max}
     * (max concurrent), {@code load} (open conversations assigned to them, reserved
     * before PostgreSQL records them), {@code last} (epoch millis of the last assignment),
     * {@code fix} (the load's correction generation, renewed by a seed and by each drift
     * correction, see {@link LoadDrift}). Written only by the scripts in {@link LiveAgents}.
     */
    public static String agent(String tenantId, String agentId) {
        return "sb:{" + tenantId + "}:agent:" + agentId;
    }

    /**
     * Sorted set of the tenant's timer deadlines (B6): member {@code close:<conversationId>} or
     * {@code reassign:<conversationId>}, score the epoch millis it falls due (or, while a replica
     * fires it, the time it is retried should the firing fail). Rebuilt from PostgreSQL's rows
     * by the reconciler and at start-up, and every firing re-checks PostgreSQL.
     */
    public static String deadlines(String tenantId) {
        return "sb:{" + tenantId + "}:deadlines";
    }

    /**
     * Hash of the tries of the tenant's deadlines whose firing failed: field the member of
     * {@link #deadlines}, value the tries so far, which sets the retry back-off. Used in one
     * script with {@link #deadlines}. Lost: the back-off starts over.
     */
    public static String deadlineTries(String tenantId) {
        return "sb:{" + tenantId + "}:deadline-tries";
    }

    /**
     * Marker that the tenant's live agent hashes were rebuilt from PostgreSQL. Set by the
     * reconciler; its absence (first start, Redis restarted or flushed) makes it rebuild them.
     */
    public static String liveMarker(String tenantId) {
        return "sb:{" + tenantId + "}:live";
    }

    /** The agent id the routing rule's round-robin rotation gave its last conversation to. */
    public static String roundRobin(String tenantId, String ruleId) {
        return "sb:{" + tenantId + "}:rr:" + ruleId;
    }

    /** Pub/sub channel reaching every socket of one visitor, on whichever replica. */
    public static String visitorChannel(String tenantId, String visitorId) {
        return "sb:{" + tenantId + "}:to:visitor:" + visitorId;
    }

    /** Pub/sub channel reaching every console session of one staff user. */
    public static String staffChannel(String tenantId, String userId) {
        return "sb:{" + tenantId + "}:to:staff:" + userId;
    }

    /**
     * Counter of one fixed rate-limit window: attempts of one scope (login, socket...) from
     * one client address. Expires with its window; losing it only forgives a few attempts.
     */
    public static String rateLimit(String scope, String address, long windowIndex) {
        return "sb:ratelimit:" + scope + ":" + address + ":" + windowIndex;
    }

    /**
     * Counter of failed logins to one account (a SHA-256 of its normalised email, known or not),
     * from any address. Opens with the first failure and expires with the lockout window; losing
     * it only forgives a few guesses.
     */
    public static String loginFailures(String accountHash) {
        return "sb:ratelimit:login-account:" + accountHash;
    }

    /**
     * How far (epoch micros of assigned_at) the assignment-latency metric has read, shared by
     * the replicas so each assignment is counted once. Lost: the next scrape starts from now.
     */
    public static String assignmentWatermark() {
        return "sb:metrics:assignment-watermark";
    }

    /**
     * Pub/sub channel every replica hears: {@code <tenantId>:<userId>:<epoch|removed>} when a
     * staff user is removed or changes password or roles. Replicas update what they know of
     * that user's session epoch and close the user's sockets. A lost message is bounded by
     * {@code switchboard.sessions.cache-ttl}: PostgreSQL is the truth.
     */
    public static String sessionsChannel() {
        return "sb:sessions";
    }

    /**
     * Pub/sub channel every replica hears: a tenant id when that tenant's routing rules, group
     * hours or out-of-hours text changed. Replicas forget the tenant's decoded routing setup and
     * read it again for the next conversation. A lost message is bounded by
     * {@code switchboard.routing.cache-ttl}: PostgreSQL is the truth.
     */
    public static String routingSetupChannel() {
        return "sb:routing-setup";
    }

    /**
     * One staff socket ticket, by the hex SHA-256 of the ticket (the ticket itself is never
     * stored): who it opens a socket for, with their session epoch. Taken with a get-and-delete
     * so it opens one socket only; expires after {@code switchboard.sessions.ticket-ttl}.
     */
    public static String socketTicket(String ticketHash) {
        return "sb:ticket:" + ticketHash;
    }
}
