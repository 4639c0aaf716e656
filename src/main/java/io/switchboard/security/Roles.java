package io.switchboard.security;

/** Role names as they appear in tokens and in {@code staff_users.roles}. */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String SUPERVISOR = "supervisor";
    public static final String AGENT = "agent";
    public static final String VISITOR = "visitor";

    private Roles() {}
}
