package io.trainyard.ingress.internal.ui;

import java.util.List;

/**
 * One page of the Tasks list: {@code next} is the cursor of the following page (null at the end),
 * {@code scanned} how many tasks were read to fill it.
 */
public record TaskPage(List<TaskRow> rows, String next, long total, int scanned) {}
