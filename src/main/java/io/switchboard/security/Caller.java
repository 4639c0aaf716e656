package io.switchboard.security;

import java.util.Set;

/**
 * Who is making a request or holds a socket, as read from a verified token.
 * For staff {@code id} is the staff user id; for visitors it is the visitor id and
 * {@code channelId} is set.
 */
public record Caller(String tenantId, String id, Kind kind, Set<String> roles, String name, String channelId) {

    public enum Kind { STAFF, VISITOR }

    public boolean isStaff() {
        return kind == Kind.STAFF;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public boolean isAgent() {
        return roles.contains(Roles.AGENT);
    }

    /** Supervisors and admins see every conversation of their tenant. */
    public boolean seesWholeTenant() {
        return roles.contains(Roles.ADMIN) || roles.contains(Roles.SUPERVISOR);
    }
}
