package io.switchboard.routing.setup;

import io.smallrye.mutiny.Uni;
import io.switchboard.routing.Condition;
import io.switchboard.routing.ConditionSpec;
import io.switchboard.routing.RoutingRule;
import io.switchboard.routing.RoutingSetup;
import io.switchboard.routing.RoutingTarget;
import io.switchboard.routing.TimeRange;
import io.switchboard.routing.WorkingHours;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a tenant's routing configuration from PostgreSQL and decodes it: the rules (compiled
 * by {@code RuleCompiler} when saved, so a stored rule always compiles), the groups' working
 * hours and the tenant's out-of-hours notice. Three queries, run side by side.
 */
@ApplicationScoped
public class RoutingSetupReader {

    private static final Logger LOG = Logger.getLogger(RoutingSetupReader.class);

    private final Pool pool;

    RoutingSetupReader(Pool pool) {
        this.pool = pool;
    }

    public Uni<RoutingSetup> read(String tenantId) {
        Tuple tenant = Tuple.of(UUID.fromString(tenantId));
        Uni<RowSet<Row>> rules = pool.preparedQuery("""
                        select id, position, enabled, spec, strategy, fallback_strategy, prefer_last_agent, out_of_hours_text
                        from routing_rules where tenant_id = $1""").execute(tenant);
        Uni<RowSet<Row>> groups = pool.preparedQuery("select id, time_zone, always_open, hours from agent_groups where tenant_id = $1")
                .execute(tenant);
        Uni<RowSet<Row>> settings = pool.preparedQuery("select out_of_hours_text from tenant_settings where tenant_id = $1")
                .execute(tenant);
        return Uni.combine().all().unis(rules, groups, settings).asTuple()
                .map(t -> new RoutingSetup(rules(t.getItem1()), hours(t.getItem2()), text(t.getItem3())));
    }

    private static List<RoutingRule> rules(RowSet<Row> rows) {
        List<RoutingRule> out = new ArrayList<>();
        for (Row r : rows) {
            try {
                out.add(rule(r));
            } catch (RuntimeException e) {
                // Rules are compiled when saved; one that no longer compiles is skipped, not fatal.
                LOG.warnf("routing rule %s skipped: %s", r.getUUID("id"), e.getMessage());
            }
        }
        return out;
    }

    private static RoutingRule rule(Row r) {
        JsonObject spec = json(r.getValue("spec"));
        List<Condition> conditions = new ArrayList<>();
        JsonArray cs = spec.getJsonArray("conditions", new JsonArray());
        for (int i = 0; i < cs.size(); i++) {
            JsonObject c = cs.getJsonObject(i);
            JsonArray values = c.getJsonArray("values");
            conditions.add(new ConditionSpec(c.getString("type"), values == null ? null : strings(values),
                    c.getString("match"), c.getString("pattern"), c.getString("name")).toCondition());
        }
        JsonArray skills = spec.getJsonArray("requiredSkills", new JsonArray());
        RoutingTarget target = new RoutingTarget(strings(spec.getJsonArray("groupIds", new JsonArray())), r.getString("strategy"),
                r.getString("fallback_strategy"), r.getBoolean("prefer_last_agent"), r.getString("out_of_hours_text"),
                new HashSet<>(strings(skills)));
        return new RoutingRule(r.getUUID("id").toString(), r.getInteger("position"), r.getBoolean("enabled"), conditions, target);
    }

    private static Map<String, WorkingHours> hours(RowSet<Row> rows) {
        Map<String, WorkingHours> out = new HashMap<>();
        for (Row r : rows) {
            try {
                out.put(r.getUUID("id").toString(), hoursOf(r));
            } catch (RuntimeException e) {
                LOG.warnf("working hours of group %s unreadable, treated as always open: %s", r.getUUID("id"), e.getMessage());
                out.put(r.getUUID("id").toString(), WorkingHours.alwaysOpen(ZoneId.of("UTC")));
            }
        }
        return out;
    }

    private static String text(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next().getString("out_of_hours_text") : null;
    }

    /** A group's stored hours (time_zone, always_open, hours); throws when they no longer parse. */
    private static WorkingHours hoursOf(Row r) {
        ZoneId zone = ZoneId.of(r.getString("time_zone"));
        if (r.getBoolean("always_open")) {
            return WorkingHours.alwaysOpen(zone);
        }
        JsonObject h = json(r.getValue("hours"));
        Map<DayOfWeek, List<TimeRange>> weekly = new EnumMap<>(DayOfWeek.class);
        JsonObject w = h.getJsonObject("weekly", new JsonObject());
        for (String day : w.fieldNames()) {
            weekly.put(DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT)),
                    strings(w.getJsonArray(day)).stream().map(TimeRange::parse).toList());
        }
        Set<LocalDate> holidays = new HashSet<>();
        strings(h.getJsonArray("holidays", new JsonArray())).forEach(d -> holidays.add(LocalDate.parse(d)));
        return WorkingHours.weekly(zone, weekly, holidays);
    }

    private static JsonObject json(Object value) {
        return value instanceof JsonObject o ? o : new JsonObject(String.valueOf(value));
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(String.valueOf(a.getValue(i)));
        }
        return out;
    }
}
