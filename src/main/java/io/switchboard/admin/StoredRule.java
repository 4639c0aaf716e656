package io.switchboard.admin;

import io.switchboard.routing.ConditionSpec;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A routing rule as the admin wrote it (A6); {@link RuleCompiler} turns it into a pure rule. */
@Entity
@Table(name = "routing_rules")
public class StoredRule extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public UUID tenantId;

    public String name;

    public int position;

    public boolean enabled = true;

    /** Conditions, groups and required skills, one JSON object (see {@link Spec}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public Spec spec = new Spec();

    public String strategy;

    @Column(name = "fallback_strategy")
    public String fallbackStrategy;

    @Column(name = "prefer_last_agent")
    public boolean preferLastAgent;

    @Column(name = "out_of_hours_text")
    public String outOfHoursText;


    @Version
    public int version;

    /** The lists of a rule as stored. */
    public static class Spec {
        public List<ConditionSpec> conditions = new ArrayList<>();
        /** In order: the order of the round-robin rotation. */
        public List<String> groupIds = new ArrayList<>();
        public List<String> requiredSkills = new ArrayList<>();
    }
}
