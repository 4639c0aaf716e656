package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Batch actions on selected conversations (C4): mark read, or close. Each conversation is done
 * as the single action does it, in its own transaction, wholly or not at all, with the same
 * rights (a close frees the agent's capacity at once and tells the visitor); one that fails
 * does not stop the others, and the answer says for each whether it was done and why not.
 * A malformed request (unknown action, no ids, more than {@link #MAX}, an id given twice or
 * not an id) is refused as a whole before anything is done.
 */
@ApplicationScoped
public class BatchActions {

    private static final Logger LOG = Logger.getLogger(BatchActions.class);

    /** The most conversations one request may name. */
    public static final int MAX = 200;
    /** Conversations worked on at once: a batch should not take every pooled connection. */
    static final int CONCURRENCY = 4;

    public record Request(String action, List<String> conversationIds) {}

    /** One conversation's outcome: {@code error} is {@code not_found}, {@code forbidden}, {@code conflict} or {@code failed}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String conversationId, boolean ok, String error, String detail) {}

    public record Results(List<Result> results) {}

    private final ConversationService service;

    BatchActions(ConversationService service) {
        this.service = service;
    }

    public Uni<Results> run(Caller caller, Request body) {
        List<String> ids = validated(body);
        boolean close = "close".equals(body.action());
        List<Integer> order = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            order.add(i);
        }
        Result[] out = new Result[ids.size()];
        return Multi.createFrom().iterable(order)
                .onItem().transformToUni(i -> one(caller, close, ids.get(i)).invoke(r -> out[i] = r))
                .merge(CONCURRENCY)
                .collect().last()
                .map(x -> new Results(Arrays.asList(out)));
    }

    private Uni<Result> one(Caller caller, boolean close, String id) {
        Uni<?> act = close ? service.closeByStaff(caller, id) : service.staffReadAll(caller, id);
        return act.map(x -> new Result(id, true, null, null))
                .onFailure().recoverWithItem(e -> failed(id, e));
    }

    private static Result failed(String id, Throwable e) {
        if (e instanceof Problem p) {
            String code = switch (p.status()) {
                case 404 -> "not_found";
                case 403 -> "forbidden";
                case 409 -> "conflict";
                default -> "invalid";
            };
            return new Result(id, false, code, p.getMessage());
        }
        LOG.warnf(e, "batch action on conversation %s failed", id);
        return new Result(id, false, "failed", "could not be done; try again");
    }

    /** The ids, in the given order, or 400 naming what is wrong; nothing is done then. */
    static List<String> validated(Request body) {
        FieldErrors errors = new FieldErrors();
        if (body == null) {
            throw Problem.badRequest("a JSON body {action, conversationIds} is required");
        }
        if (!"read".equals(body.action()) && !"close".equals(body.action())) {
            errors.add("action", "must be read or close");
        }
        List<String> ids = body.conversationIds();
        if (ids == null || ids.isEmpty() || ids.size() > MAX) {
            errors.add("conversationIds", "must name 1 to " + MAX + " conversations");
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                String canonical = canonical(id);
                if (canonical == null) {
                    errors.add("conversationIds[" + i + "]", "must be a conversation id");
                } else if (!seen.add(canonical)) {
                    errors.add("conversationIds[" + i + "]", "is given twice");
                }
            }
        }
        errors.throwIfAny();
        return ids.stream().map(BatchActions::canonical).toList();
    }

    private static String canonical(String id) {
        if (id == null) {
            return null;
        }
        try {
            String c = UUID.fromString(id).toString();
            // UUID.fromString accepts short groups ("1-1-1-1-1"); only the canonical spelling names a conversation.
            return c.equalsIgnoreCase(id) ? c : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
