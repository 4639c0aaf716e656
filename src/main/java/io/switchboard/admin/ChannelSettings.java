package io.switchboard.admin;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/**
 * The queue settings of one channel (B4): priority and first-in or last-in order. Only
 * these two columns are written here; channels are created elsewhere.
 */
@Entity
@Table(name = "channels")
public class ChannelSettings extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", insertable = false, updatable = false)
    public UUID tenantId;

    @Column(insertable = false, updatable = false)
    public String name;

    @Column(insertable = false, updatable = false)
    public String kind;

    public int priority;

    /** "fifo" or "lifo". */
    @Column(name = "queue_order")
    public String queueOrder = "fifo";
}
