package io.switchboard.routing.live;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis Cluster accepts a script only when every key it is given hashes to one slot, and
 * routes it by those keys alone: a key a script builds for itself may live on another node.
 * So a tenant's keys carry the tenant as a hash tag, and scripts name their keys in KEYS.
 */
class RedisKeysClusterTest {

    /** CRC16/XMODEM (polynomial 0x1021, initial 0), the checksum Redis Cluster hashes keys with. */
    static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xffff;
            }
        }
        return crc;
    }

    /** The cluster slot of a key: only the first non-empty {...} section counts when there is one. */
    static int slot(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        return crc16(key.getBytes(StandardCharsets.UTF_8)) % 16384;
    }

    @Test
    void slotComputationMatchesRedis() {
        assertThat(crc16("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x31C3);
        // CLUSTER KEYSLOT answers, from the Redis documentation and a redis-server 7.0.
        assertThat(slot("foo")).isEqualTo(12182);
        assertThat(slot("{user1000}.following")).isEqualTo(slot("{user1000}.followers"));
        assertThat(slot("foo{}{bar}")).as("an empty tag hashes the whole key")
                .isEqualTo(crc16("foo{}{bar}".getBytes(StandardCharsets.UTF_8)) % 16384);
        assertThat(slot("sb:{t1}:agent:a")).isEqualTo(8943);
    }

    @Test
    void everyKeyOfOneTenantHashesToTheTenantsSlot() {
        String tenant = UUID.randomUUID().toString();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(RedisKeys.agent(tenant, UUID.randomUUID().toString()));
        }
        keys.add(RedisKeys.deadlines(tenant));
        keys.add(RedisKeys.liveMarker(tenant));
        keys.add(RedisKeys.roundRobin(tenant, UUID.randomUUID().toString()));
        keys.add(RedisKeys.visitorChannel(tenant, UUID.randomUUID().toString()));
        keys.add(RedisKeys.staffChannel(tenant, UUID.randomUUID().toString()));
        Set<Integer> slots = new HashSet<>();
        for (String k : keys) {
            slots.add(slot(k));
        }
        assertThat(slots).as("slots of one tenant's keys").containsExactly(slot(tenant));
    }

    @Test
    void multiKeyScriptsAreGivenKeysOfOneSlot() {
        // claimInOrder and snapshot hand the script one agent key per agent of the tenant.
        String tenant = UUID.randomUUID().toString();
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            agents.add(UUID.randomUUID().toString());
        }
        Set<Integer> slots = new HashSet<>();
        for (String key : LiveAgents.agentKeys(tenant, agents)) {
            slots.add(slot(key));
        }
        assertThat(slots).hasSize(1);
    }

    @Test
    void tenantsAreSpreadOverSlots() {
        // The tag is the tenant alone: tenants still spread over the cluster's nodes.
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            slots.add(slot(RedisKeys.agent(UUID.randomUUID().toString(), "a")));
        }
        assertThat(slots.size()).isGreaterThan(90);
    }

    private static final Pattern CALL = Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'\\s*(?:,\\s*([^,)]+))?");
    private static final Pattern KEYS_LOOP = Pattern.compile("for\\s+\\w+\\s*,\\s*(\\w+)\\s+in\\s+ipairs\\(KEYS\\)");
    private static final Pattern KEY_ARG = Pattern.compile("KEYS\\[\\d+\\]");
    /** Commands whose first argument is not a key. */
    private static final Set<String> KEYLESS = Set.of("TIME", "PUBLISH", "PING", "ECHO");

    /**
     * Every script in the main sources (anything calling redis.call) passes to each command a
     * key it was given: {@code KEYS[n]} or the variable of a loop over {@code ipairs(KEYS)}.
     * A key spelled or concatenated inside the script would be invisible to Cluster's routing.
     */
    @Test
    void scriptsTouchOnlyTheKeysTheyAreGiven() throws IOException {
        List<String> offences = new ArrayList<>();
        int calls = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                if (!source.contains("redis.call(") && !source.contains("redis.pcall(")) {
                    continue;
                }
                Set<String> loopKeys = new HashSet<>();
                Matcher loops = KEYS_LOOP.matcher(source);
                while (loops.find()) {
                    loopKeys.add(loops.group(1));
                }
                Matcher m = CALL.matcher(source);
                while (m.find()) {
                    calls++;
                    String command = m.group(1).toUpperCase(java.util.Locale.ROOT);
                    String key = m.group(2) == null ? "" : m.group(2).trim();
                    if (KEYLESS.contains(command)) {
                        continue;
                    }
                    if (!KEY_ARG.matcher(key).matches() && !loopKeys.contains(key)) {
                        offences.add(file.getFileName() + ": redis.call('" + m.group(1) + "', " + key + ")");
                    }
                }
            }
        }
        assertThat(calls).as("scripts found in src/main/java").isGreaterThan(10);
        assertThat(offences).as("script commands on keys not taken from KEYS").isEmpty();
    }
}
