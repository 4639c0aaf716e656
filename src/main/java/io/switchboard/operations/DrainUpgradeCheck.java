package io.switchboard.operations;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/** A draining replica refuses socket handshakes with 503, so the client tries another replica. */
@ApplicationScoped
public class DrainUpgradeCheck implements HttpUpgradeCheck {

    private final Drain drain;

    DrainUpgradeCheck(Drain drain) {
        this.drain = drain;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return drain.isDraining()
                ? CheckResult.rejectUpgrade(503, Map.of("Retry-After", List.of("1")))
                : CheckResult.permitUpgrade();
    }
}
