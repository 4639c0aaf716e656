package io.switchboard.admin;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.util.UUID;

/** A tenant's routing settings (A2). A tenant without a row uses {@link #defaults}. */
@Entity
@Table(name = "tenant_settings")
public class TenantSettings extends PanacheEntityBase {

    public static final int DEFAULT_MAX_CONCURRENT = 10;

    @Id
    @Column(name = "tenant_id")
    public UUID tenantId;

    @Column(name = "default_max_concurrent")
    public int defaultMaxConcurrent = DEFAULT_MAX_CONCURRENT;

    /** Minutes of visitor silence before a conversation closes itself; null is off. */
    @Column(name = "auto_close_minutes")
    public Integer autoCloseMinutes;

    /** Minutes without an agent reply before the conversation is routed again; null is off. */
    @Column(name = "auto_reassign_minutes")
    public Integer autoReassignMinutes;

    /** What visitors read out of hours when the matching rule has no text of its own. */
    @Column(name = "out_of_hours_text")
    public String outOfHoursText;

    /** Ask the visitor for a rating whenever staff close a conversation (C8); not on timeouts or visitor closes. */
    @Column(name = "survey_on_close")
    public boolean surveyOnClose;

    /**
     * The customer panel's fields (A8, customer.PanelFields), comma-separated (the names are
     * a fixed catalogue without commas); null shows them all, empty none of the optional ones.
     */
    @Column(name = "customer_panel")
    public String customerPanel;

    @Version
    public int version;

    public static TenantSettings defaults(UUID tenantId) {
        TenantSettings s = new TenantSettings();
        s.tenantId = tenantId;
        return s;
    }
}
