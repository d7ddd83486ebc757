package io.trainyard.ingress.auth;

/** MLW's roles. ADMIN may do everything; running code or a workflow needs ADMIN. */
public enum Role {
    READ, CREATE, UPDATE, ADMIN
}
