package io.switchboard.routing;

/**
 * The order a channel's waiting conversations are served in (B4). First-in first-out is fair
 * to whoever waited longest; last-in first-out serves the visitor most likely still at the
 * screen, which some teams prefer for channels where visitors leave quickly.
 */
public enum QueueDiscipline {
    FIFO, LIFO
}
