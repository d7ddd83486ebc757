package io.trainyard.ingress.internal.submit;

/** MLW's recurrence: run once now, or on a cron schedule. */
public enum Recurrence {
    ONE_TIME, REPEAT
}
