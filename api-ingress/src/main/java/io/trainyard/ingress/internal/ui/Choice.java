package io.trainyard.ingress.internal.ui;

/** An option of a select: the value posted and the label shown. */
public record Choice(String value, String label) {}
