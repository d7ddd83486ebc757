package io.trainyard.ingress.internal.auth;

/** MLW's roles. ADMIN may do everything; running code or a workflow needs ADMIN. */
public enum Role {
    READ, CREATE, UPDATE, ADMIN
}
