package io.switchboard.it.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario found: lines for the summary table, notes and detail tables for its own
 * section, and named figures a later scenario may use (P5 sizes its rate from P2's maximum).
 */
final class ScenarioReport {

    /** One line of the summary table. {@code met} is null when the target does not apply to this run's size. */
    record Row(String id, String measure, String target, String measured, String baseline, String ratio, Boolean met) {
        String verdict() {
            return met == null ? "—" : met ? "yes" : "**no**";
        }
    }

    final String id;
    final String title;
    final List<Row> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final StringBuilder details = new StringBuilder();
    final Map<String, Double> figures = new HashMap<>();

    ScenarioReport(String id, String title) {
        this.id = id;
        this.title = title;
    }

    ScenarioReport row(String measure, String target, String measured, String baseline, String ratio, Boolean met) {
        rows.add(new Row(id, measure, target, measured, baseline, ratio, met));
        return this;
    }

    ScenarioReport note(String text) {
        notes.add(text);
        return this;
    }

    /** A scenario that could not finish: one line saying why, so the rest of the run still reports. */
    static ScenarioReport failed(String id, String title, Throwable t) {
        ScenarioReport r = new ScenarioReport(id, title);
        r.row("run", "completes", "failed: " + String.valueOf(t.getMessage()).lines().findFirst().orElse("?"), "", "", false);
        r.note("Failed with " + t + "; see the replica logs under target/benchmarks/.");
        return r;
    }

    static String f(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format("%,." + decimals + "f", v);
    }

    /** A ratio measured / baseline with one decimal, "n/a" when either side is missing. */
    static String ratio(double measured, double baseline) {
        return Double.isNaN(measured) || Double.isNaN(baseline) || baseline == 0 ? "n/a" : String.format("%.2f", measured / baseline);
    }
}
