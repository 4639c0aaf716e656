package io.switchboard.search;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.FieldErrors;
import io.switchboard.conversation.RecentContacts;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Search over contacts and chat history (C5), within the conversations the caller may see
 * (docs/protocol.md, "Who sees which conversation"). Messages come newest first in pages:
 * {@code next}, when present, is the {@code before} of the following page. Each hit names its
 * conversation and seq, so a client opens the conversation at that message.
 */
@Path("/api/v1/search")
@Tag(name = "Search")
public class SearchResource {

    static final int MAX_LIMIT = 100;
    static final int CONTACTS = 20;

    /** @param next the {@code before} of the next page; null on the last */
    public record Result(List<RecentContacts.Contact> contacts, List<HistorySearch.MessageHit> messages, String next) {}

    private final CurrentCaller current;
    private final HistorySearch search;

    SearchResource(CurrentCaller current, HistorySearch search) {
        this.current = current;
        this.search = search;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Contacts and messages holding every word of q (Chinese words inside longer text too), newest first, in pages")
    public Uni<Result> search(@QueryParam("q") String q,
                              @QueryParam("from") String from,
                              @QueryParam("to") String to,
                              @QueryParam("channelId") String channelId,
                              @QueryParam("before") String before,
                              @QueryParam("limit") @DefaultValue("50") int limit) {
        Caller caller = current.staff();
        SearchTokens.Query query = SearchInput.parse(q, true);
        int max = SearchInput.limit(limit, MAX_LIMIT);
        FieldErrors errors = new FieldErrors();
        Instant start = instant("from", from, errors);
        Instant end = instant("to", to, errors);
        if (start != null && end != null && !start.isBefore(end)) {
            errors.add("to", "must be after from");
        }
        UUID channel = null;
        if (channelId != null) {
            try {
                channel = UUID.fromString(channelId);
            } catch (IllegalArgumentException e) {
                errors.add("channelId", "not a channel id");
            }
        }
        Long cursor = null;
        if (before != null) {
            try {
                cursor = Long.parseLong(before);
            } catch (NumberFormatException e) {
                errors.add("before", "not a cursor from a previous page");
            }
        }
        errors.throwIfAny();
        HistorySearch.Filters filters = new HistorySearch.Filters(start, end, channel, cursor);
        // Contacts come with the first page only: later pages page through messages. The two
        // statements run side by side, each on its own connection.
        return search.scope(caller).flatMap(scope -> {
            Uni<List<RecentContacts.Contact>> contacts = filters.before() != null ? Uni.createFrom().item(List.of())
                    : search.contacts(caller, scope, q.strip().toLowerCase(Locale.ROOT), filters, CONTACTS);
            Uni<List<HistorySearch.MessageHit>> messages = search.messages(caller, scope, query, filters, max + 1);
            return Uni.combine().all().unis(contacts, messages).asTuple().map(both -> {
                List<HistorySearch.MessageHit> hits = both.getItem2();
                boolean more = hits.size() > max;
                List<HistorySearch.MessageHit> page = more ? hits.subList(0, max) : hits;
                return new Result(both.getItem1(), page, more ? String.valueOf(page.get(page.size() - 1).id()) : null);
            });
        });
    }

    /** An ISO instant or offset date-time, or a date (its start in UTC); null when absent. */
    private static Instant instant(String field, String value, FieldErrors errors) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            errors.add(field, "must be an ISO date-time with offset (2026-12-06T08:00:00Z) or a date");
            return null;
        }
    }
}
