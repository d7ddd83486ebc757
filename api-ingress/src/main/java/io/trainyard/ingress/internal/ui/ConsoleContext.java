package io.trainyard.ingress.internal.ui;

import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.auth.Authenticator;
import io.trainyard.ingress.internal.auth.UserRoutes;
import io.trainyard.ingress.internal.auth.UserStore;
import io.trainyard.ingress.internal.schedule.Schedules;
import java.time.InstantSource;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import redis.clients.jedis.UnifiedJedis;

/** What the console's pages share; built once by the ingress's composition root. */
public record ConsoleContext(ConsoleSession session, Pages pages, ApiCalls api, TaskStore store, TaskIndex index,
                             OverviewStats overview, Fleet fleet, UserRoutes userRoutes,
                             UserStore userStore, Schedules schedules, InstantSource clock) {
    /** {@code waitingDeadLetters}: a tenant's dead letters not yet redriven or discarded; {@code port}: the ingress's own port, known once it listens; the console calls the API there. */
    public static ConsoleContext of(Authenticator authenticator, UnifiedJedis redis, TaskStore store,
                                    ToIntFunction<String> waitingDeadLetters,
                                    UserRoutes userRoutes, UserStore userStore, Schedules schedules,
                                    IntSupplier port, InstantSource clock) {
        return new ConsoleContext(new ConsoleSession(authenticator), new Pages(), new ApiCalls(port), store,
                new TaskIndex(redis), new OverviewStats(redis, waitingDeadLetters, clock), new Fleet(redis, clock), userRoutes, userStore, schedules, clock);
    }
}
