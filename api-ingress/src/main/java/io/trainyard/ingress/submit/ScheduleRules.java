package io.trainyard.ingress.submit;

import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.ingress.http.ApiException;

/** Words the scheduler's rule violations as a 400 naming the request field. */
public final class ScheduleRules {
    private ScheduleRules() {}

    public static ApiException toApi(ScheduleRuleException e) {
        return e.reason().startsWith("is required")
                ? ApiException.missing(e.field(), e.reason())
                : ApiException.invalid(e.field(), e.reason());
    }
}
