package io.trainyard.ingress.internal.ui;

/** One resource as a project's page lists it; {@code script} says it can be shown as text. */
public record ResourceLine(String id, String name, String kind, long size, String createdAt, boolean script,
                           String version) {}
