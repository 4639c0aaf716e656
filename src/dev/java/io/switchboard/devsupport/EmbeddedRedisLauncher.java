package io.switchboard.devsupport;

import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import redis.embedded.RedisServer;

/**
 * Starts an embedded Redis (the binary shipped in codemonstur's embedded-redis, Redis 6.2) on a given
 * address and port, without persistence. Loaded only when a server has to be started.
 */
final class EmbeddedRedisLauncher {

    private static final Logger LOG = Logger.getLogger(EmbeddedRedisLauncher.class);

    private EmbeddedRedisLauncher() {
    }

    static void start(String bind, int port) throws IOException {
        Set<Long> before = redisChildren();
        RedisServer server = RedisServer.newRedisServer()
                .bind(bind)
                .port(port)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("protected-mode no")
                .build();
        server.start();
        Set<Long> started = redisChildren();
        started.removeAll(before);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, started), "embedded-redis-" + port + "-stop"));
    }

    private static void stop(RedisServer server, Set<Long> pids) {
        try {
            server.stop();
            return;
        } catch (Throwable e) {
            LOG.debugf("Embedded Redis: stop failed (%s), signalling %s", e, pids);
        }
        for (Long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    private static Set<Long> redisChildren() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
