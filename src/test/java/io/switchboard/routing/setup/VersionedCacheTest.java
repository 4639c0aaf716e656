package io.switchboard.routing.setup;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class VersionedCacheTest {

    private final AtomicLong clock = new AtomicLong();
    private final VersionedCache<String, String> cache = new VersionedCache<>(Duration.ofSeconds(15), clock::get);

    /** A loader whose loads complete when the test says so, each with the value it is given. */
    private static final class HeldLoader {
        final List<UniEmitter<? super String>> pending = new ArrayList<>();
        int calls;

        Uni<String> load(String key) {
            calls++;
            return Uni.createFrom().emitter(pending::add);
        }
    }

    private String await(Uni<String> uni) {
        return uni.await().atMost(Duration.ofSeconds(1));
    }

    @Test
    void aValueIsLoadedOnceAndServedFromMemoryWhileFresh() {
        AtomicInteger loads = new AtomicInteger();
        assertThat(await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())))).isEqualTo("v1");
        clock.addAndGet(Duration.ofSeconds(14).toNanos());
        assertThat(await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())))).isEqualTo("v1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aValueOlderThanTheTimeToLiveIsLoadedAgain() {
        AtomicInteger loads = new AtomicInteger();
        await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())));
        clock.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())))).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void theTimeToLiveCountsFromTheStartOfTheLoad() {
        HeldLoader loader = new HeldLoader();
        AtomicReference<String> got = new AtomicReference<>();
        cache.get("t", loader::load).subscribe().with(got::set);
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        loader.pending.get(0).complete("slow");
        assertThat(got).hasValue("slow");
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(cache.fresh("t")).isNull();
    }

    @Test
    void aForgottenKeyIsLoadedAgainAtOnce() {
        AtomicInteger loads = new AtomicInteger();
        await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())));
        cache.forget("t");
        assertThat(await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())))).isEqualTo("v2");
    }

    @Test
    void forgettingOneKeyKeepsTheOthers() {
        await(cache.get("a", k -> Uni.createFrom().item("a1")));
        await(cache.get("b", k -> Uni.createFrom().item("b1")));
        cache.forget("a");
        assertThat(cache.fresh("a")).isNull();
        assertThat(cache.fresh("b")).isEqualTo("b1");
    }

    @Test
    void aLoadThatOverlapsAChangeIsAnsweredButNotKept() {
        HeldLoader loader = new HeldLoader();
        AtomicReference<String> got = new AtomicReference<>();
        // The load reads the old rows...
        cache.get("t", loader::load).subscribe().with(got::set);
        // ...the change commits and is announced before the load completes...
        cache.forget("t");
        loader.pending.get(0).complete("old");
        // ...the caller that asked before the change gets what was read, but nobody after it does.
        assertThat(got).hasValue("old");
        assertThat(cache.fresh("t")).isNull();
        cache.get("t", loader::load).subscribe().with(got::set);
        assertThat(loader.calls).isEqualTo(2);
        loader.pending.get(1).complete("new");
        assertThat(cache.fresh("t")).isEqualTo("new");
    }

    @Test
    void aLoadStartedAfterTheChangeIsKeptEvenWhenAnOlderOneFinishesLater() {
        HeldLoader loader = new HeldLoader();
        cache.get("t", loader::load).subscribe().with(v -> { });
        cache.forget("t");
        cache.get("t", loader::load).subscribe().with(v -> { });
        loader.pending.get(1).complete("new");
        loader.pending.get(0).complete("old");
        assertThat(cache.fresh("t")).isEqualTo("new");
    }

    @Test
    void aLoadThatOverlapsForgettingEverythingIsNotKept() {
        HeldLoader loader = new HeldLoader();
        cache.get("never-seen", loader::load).subscribe().with(v -> { });
        await(cache.get("seen", k -> Uni.createFrom().item("s1")));
        cache.get("seen2", loader::load).subscribe().with(v -> { });
        cache.forgetAll();
        loader.pending.get(0).complete("old");
        loader.pending.get(1).complete("old");
        assertThat(cache.fresh("never-seen")).isNull();
        assertThat(cache.fresh("seen")).isNull();
        assertThat(cache.fresh("seen2")).isNull();
    }

    @Test
    void aFailedLoadKeepsNothingAndTheNextCallLoadsAgain() {
        AtomicInteger loads = new AtomicInteger();
        Uni<String> failing = cache.get("t", k -> {
            loads.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("database down"));
        });
        assertThat(failing.onFailure().recoverWithItem("failed").await().atMost(Duration.ofSeconds(1))).isEqualTo("failed");
        assertThat(await(cache.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())))).isEqualTo("v2");
    }

    @Test
    void concurrentMissesOfOneKeyShareOneLoad() {
        HeldLoader loader = new HeldLoader();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cache.get("t", loader::load).subscribe().with(got::add);
        }
        cache.get("other", loader::load).subscribe().with(got::add);
        assertThat(loader.calls).isEqualTo(2);
        loader.pending.get(0).complete("t1");
        assertThat(got).containsExactly("t1", "t1", "t1", "t1", "t1");
    }

    @Test
    void aCallAfterAChangeDoesNotShareTheLoadThatStartedBeforeIt() {
        HeldLoader loader = new HeldLoader();
        AtomicReference<String> before = new AtomicReference<>();
        AtomicReference<String> after = new AtomicReference<>();
        cache.get("t", loader::load).subscribe().with(before::set);
        cache.forget("t");
        cache.get("t", loader::load).subscribe().with(after::set);
        assertThat(loader.calls).isEqualTo(2);
        loader.pending.get(0).complete("old");
        loader.pending.get(1).complete("new");
        assertThat(before).hasValue("old");
        assertThat(after).hasValue("new");
    }

    @Test
    void aFailedSharedLoadIsTriedAgainByTheNextCaller() {
        HeldLoader loader = new HeldLoader();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        cache.get("t", loader::load).subscribe().with(v -> { }, failed::set);
        loader.pending.get(0).fail(new IllegalStateException("database down"));
        assertThat(failed.get()).hasMessage("database down");
        AtomicReference<String> got = new AtomicReference<>();
        cache.get("t", loader::load).subscribe().with(got::set);
        assertThat(loader.calls).isEqualTo(2);
        loader.pending.get(1).complete("v");
        assertThat(got).hasValue("v");
    }

    @Test
    void aZeroTimeToLiveLoadsForEveryCall() {
        VersionedCache<String, String> off = new VersionedCache<>(Duration.ZERO, clock::get);
        AtomicInteger loads = new AtomicInteger();
        off.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())).await().indefinitely();
        off.get("t", k -> Uni.createFrom().item("v" + loads.incrementAndGet())).await().indefinitely();
        assertThat(loads).hasValue(2);
    }
}
