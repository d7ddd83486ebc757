package io.trainyard.ingress.internal.ui;

import io.trainyard.ingress.internal.auth.UserDirectory;
import java.util.List;

/** A tenant and its users, as the Users page lists them. */
public record TenantUsers(String tenant, List<UserDirectory.User> users) {}
