package io.switchboard.admin;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;
import java.util.UUID;

/**
 * Customer accounts and contacts as the tenant's CRM keeps them (B1, C10): who owns an
 * account, who owns a contact, which account a contact belongs to, and its tier. The
 * {@code customer-owner} strategy prefers the account's owner, {@code contact-owner} the
 * contact's. Keyed by the tenant's own ids (the {@code userId} its backend signs for the
 * widget), so a CRM can sync before the customer ever chats.
 */
@Path("/api/v1/admin")
@Tag(name = "Admin: customers")
public class AdminCustomerResource {

    /** @param ownerId the owning agent; null: none */
    public record PutAccount(String name, String ownerId) {}

    /**
     * Name, email and tier are changed only when given. {@code ownerId} and
     * {@code accountExternalId} are set as given: null clears them. {@code attributes} (e.g.
     * {@code {"tags": ["vip"]}}) are merged into the customer's, an attribute given as null
     * removed: routing rules test them as {@code customer.<name>}.
     */
    public record PutContact(String name, String email, String tier, String ownerId, String accountExternalId,
                             Map<String, Object> attributes) {}

    /** The most attributes a customer record holds per request, and their encoded size. */
    static final int MAX_ATTRIBUTES = 50;
    static final int MAX_ATTRIBUTES_BYTES = 8192;

    static final int MAX_EXTERNAL_ID = 200;
    static final int MAX_TEXT = 200;

    private final CurrentCaller current;
    private final CustomerDirectory directory;

    AdminCustomerResource(CurrentCaller current, CustomerDirectory directory) {
        this.current = current;
        this.directory = directory;
    }

    @GET
    @Path("/accounts/{externalId}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "A customer account with its owner")
    public Uni<CustomerDirectory.Account> account(@PathParam("externalId") String externalId) {
        Caller caller = current.staff();
        return directory.account(caller.tenantId(), externalId)
                .map(found -> found.orElseThrow(() -> Problem.notFound("account")));
    }

    @PUT
    @Path("/accounts/{externalId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or replace a customer account: name and owning agent")
    public Uni<CustomerDirectory.Account> putAccount(@PathParam("externalId") String externalId, PutAccount body) {
        Caller caller = current.staff();
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        checkExternalId(externalId, errors);
        checkText("name", body.name(), errors);
        UUID owner = ownerId(body.ownerId(), errors);
        errors.throwIfAny();
        return checkOwner(caller.tenantId(), owner)
                .flatMap(v -> directory.putAccount(caller.tenantId(), externalId, blankToNull(body.name()), owner));
    }

    @GET
    @Path("/customers/{externalId}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "A contact with its owner, tier and account")
    public Uni<CustomerDirectory.Contact> contact(@PathParam("externalId") String externalId) {
        Caller caller = current.staff();
        return directory.contact(caller.tenantId(), externalId)
                .map(found -> found.orElseThrow(() -> Problem.notFound("customer")));
    }

    @PUT
    @Path("/customers/{externalId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or update a contact: owner, account, tier, name, email")
    public Uni<CustomerDirectory.Contact> putContact(@PathParam("externalId") String externalId, PutContact body) {
        Caller caller = current.staff();
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        checkExternalId(externalId, errors);
        checkText("name", body.name(), errors);
        checkText("tier", body.tier(), errors);
        if (body.email() != null && (body.email().length() > 254 || !body.email().contains("@"))) {
            errors.add("email", "must be an email address");
        }
        if (body.accountExternalId() != null && (body.accountExternalId().isBlank() || body.accountExternalId().length() > MAX_EXTERNAL_ID)) {
            errors.add("accountExternalId", "1 to " + MAX_EXTERNAL_ID + " characters");
        }
        UUID owner = ownerId(body.ownerId(), errors);
        JsonObject attributes = attributes(body.attributes(), errors);
        errors.throwIfAny();
        String tenantId = caller.tenantId();
        Uni<UUID> account = body.accountExternalId() == null ? Uni.createFrom().nullItem()
                : directory.account(tenantId, body.accountExternalId()).map(found -> UUID.fromString(found
                        .orElseThrow(() -> Problem.invalid("accountExternalId", "unknown account: create it first")).id()));
        return checkOwner(tenantId, owner)
                .flatMap(v -> account)
                .flatMap(accountId -> directory.putContact(tenantId, externalId, blankToNull(body.name()), body.email(),
                        blankToNull(body.tier()), owner, accountId, attributes));
    }

    private static JsonObject attributes(Map<String, Object> given, FieldErrors errors) {
        if (given == null) {
            return null;
        }
        JsonObject attributes = new JsonObject(given);
        String encoded = attributes.encode();
        if (given.size() > MAX_ATTRIBUTES) {
            errors.add("attributes", "at most " + MAX_ATTRIBUTES + " entries");
        } else if (encoded.length() > MAX_ATTRIBUTES_BYTES) {
            errors.add("attributes", "at most 8 KiB");
        } else if (encoded.contains("\\u0000")) {
            // PostgreSQL's jsonb cannot hold U+0000.
            errors.add("attributes", "must not contain U+0000");
        } else if (given.keySet().stream().anyMatch(k -> k.isBlank() || k.length() > MAX_TEXT)) {
            errors.add("attributes", "names are 1 to " + MAX_TEXT + " characters");
        }
        return attributes;
    }

    private Uni<Void> checkOwner(String tenantId, UUID owner) {
        if (owner == null) {
            return Uni.createFrom().voidItem();
        }
        return directory.isAgent(tenantId, owner).map(ok -> {
            if (!ok) {
                throw Problem.invalid("ownerId", "not an agent of this team");
            }
            return null;
        });
    }

    private static UUID ownerId(String id, FieldErrors errors) {
        if (id == null) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            errors.add("ownerId", "not an agent id");
            return null;
        }
    }

    private static void checkExternalId(String externalId, FieldErrors errors) {
        if (externalId == null || externalId.isBlank() || externalId.length() > MAX_EXTERNAL_ID) {
            errors.add("externalId", "1 to " + MAX_EXTERNAL_ID + " characters");
        }
    }

    private static void checkText(String field, String value, FieldErrors errors) {
        if (value != null && value.length() > MAX_TEXT) {
            errors.add(field, "at most " + MAX_TEXT + " characters");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
