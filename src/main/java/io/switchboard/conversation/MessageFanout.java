package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.Publisher;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.Side;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a stored message to its recipients ({@link MessageRecipients}) and records it
 * delivered once Redis took every frame. Delivery is at least once: the live path, a duplicate
 * re-send and the delivery sweep may each publish one message, and clients drop a frame whose
 * seq they already hold (docs/protocol.md).
 */
@ApplicationScoped
class MessageFanout {

    /**
     * A stored message as its fan-out needs it: the frame's content, and the conversation's
     * assignee (null while queued or closed) and visitor at the time of publishing, its experts,
     * and for an internal note the tenant's supervisors and admins (empty otherwise).
     */
    record Stored(long messageId, String tenantId, ServerFrames.MessageView view, String assigneeId, String visitorId,
                  List<String> participants, List<String> supervisors) {

        Stored(long messageId, String tenantId, ServerFrames.MessageView view, String assigneeId, String visitorId) {
            this(messageId, tenantId, view, assigneeId, visitorId, List.of(), List.of());
        }
    }

    private final Publisher publisher;
    private final ServerFrames frames;
    private final DeliveryMarks marks;

    MessageFanout(Publisher publisher, ServerFrames frames, DeliveryMarks marks) {
        this.publisher = publisher;
        this.frames = frames;
        this.marks = marks;
    }

    /** The frames of one message for {@link Publisher#delivered}, the sending socket excepted (null: none). */
    List<Publisher.Delivery> deliveries(Stored m, String excludeConnectionId) {
        String frame = frames.message(m.view());
        List<MessageRecipients.Recipient> to = MessageRecipients.of(m.view().senderKind(), m.view().senderId(),
                m.assigneeId(), m.visitorId(), m.view().internal(), m.participants(), m.supervisors());
        List<Publisher.Delivery> out = new ArrayList<>(to.size());
        for (MessageRecipients.Recipient r : to) {
            String exclude = r.sender() ? excludeConnectionId : null;
            out.add(r.side() == Side.VISITOR
                    ? publisher.visitorExcept(m.tenantId(), r.id(), frame, exclude)
                    : publisher.staffExcept(m.tenantId(), r.id(), frame, exclude));
        }
        return out;
    }

    /**
     * Publishes the message and, once Redis took it, marks it delivered (one shared statement,
     * {@link DeliveryMarks}). A failed publish leaves it to the delivery sweep.
     */
    Uni<Void> publish(Stored m, String excludeConnectionId) {
        return publisher.delivered(deliveries(m, excludeConnectionId))
                .invoke(ok -> {
                    if (ok) {
                        marks.delivered(m.messageId());
                    }
                })
                .replaceWithVoid();
    }
}
