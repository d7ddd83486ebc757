package io.trainyard.ingress.internal.auth;

import java.util.Set;

/** Who is calling, whatever the dialect: every read and write is scoped by {@link #tenant}. */
public record Principal(String tenant, String user, Set<Role> roles) {
    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(Role.ADMIN) || roles.contains(role);
    }
}
