package io.trainyard.ingress;

/**
 * A recurring task as its schedule: the rule (a cron expression, or an interval), its zone and
 * overlap policy, the last fire handled and the next one due ({@code ""} when none or paused).
 */
public record Schedule(String taskId, String name, String type, String rule, String zone, String overlap,
                       String lastFireAt, String nextFireAt, boolean paused, String pausedAt, long pausedFires,
                       long skippedFires) {}
