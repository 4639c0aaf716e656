package io.switchboard.agent;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A group of agents and when it serves (A4). Configuration, written by the admin REST;
 * the routing hot path reads the same columns with plain SQL.
 */
@Entity
@Table(name = "agent_groups")
public class AgentGroup extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public UUID tenantId;

    public String name;

    @Column(name = "time_zone")
    public String timeZone = "UTC";

    @Column(name = "always_open")
    public boolean alwaysOpen = true;

    /** Schedule and holidays, one JSON object (see {@link Hours}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public Hours hours = new Hours();

    @Version
    public int version;

    /** The weekly schedule and holidays as stored. */
    public static class Hours {
        /** Day of week (MONDAY..SUNDAY) to ranges "HH:mm-HH:mm". */
        public Map<String, List<String>> weekly = new LinkedHashMap<>();
        /** ISO dates in the group's time zone. */
        public List<String> holidays = new ArrayList<>();
    }
}
