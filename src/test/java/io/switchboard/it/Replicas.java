package io.switchboard.it;

/**
 * Starting and ending the replicas of one packaged app, as every integration test's set-up
 * does: launched together and then awaited, so they race each other through Flyway and
 * bootstrap as the pods of one Deployment do; ended gracefully or killed, then the app's copy
 * removed. A replica that never started ({@code null}) is skipped, so a set-up that failed
 * half-way still cleans up.
 */
final class Replicas {

    private Replicas() {}

    /** Launches every replica, then waits until each is ready. */
    static void launch(Replica... replicas) {
        for (Replica r : replicas) {
            r.launch();
        }
        for (Replica r : replicas) {
            r.awaitReady();
        }
    }

    /** SIGTERM to every replica, then waits for each to end; then closes the app. */
    static void stop(PackagedApp app, Replica... replicas) {
        for (Replica r : replicas) {
            if (r != null) {
                r.stop();
            }
        }
        for (Replica r : replicas) {
            if (r != null) {
                r.awaitStopped();
            }
        }
        close(app);
    }

    /** SIGKILL to every replica (as when nodes die); then closes the app. */
    static void kill(PackagedApp app, Replica... replicas) {
        for (Replica r : replicas) {
            if (r != null) {
                r.kill();
            }
        }
        close(app);
    }

    private static void close(PackagedApp app) {
        if (app != null) {
            app.close();
        }
    }
}
