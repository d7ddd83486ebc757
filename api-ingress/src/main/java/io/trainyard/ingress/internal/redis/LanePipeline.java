package io.trainyard.ingress.internal.redis;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Response;

/**
 * {@link SharedRedis#pipelined()}: the commands appended until {@link #sync()} travel together,
 * in order, in one round trip of a lane, usually beside other requests' commands.
 */
final class LanePipeline extends AbstractPipeline {
    private record Appended<T>(QueuedCommand<T> command, Response<T> response) {
        void settle() {
            response.set(command.raw());
        }
    }

    private final PipelineLanes lanes;
    private final List<Appended<?>> appended = new ArrayList<>();

    LanePipeline(PipelineLanes lanes, CommandObjects commands) {
        super(commands);
        this.lanes = lanes;
    }

    @Override
    protected <T> Response<T> appendCommand(CommandObject<T> command) {
        Appended<T> entry = new Appended<>(new QueuedCommand<>(command), new Response<>(command.getBuilder()));
        appended.add(entry);
        return entry.response();
    }

    @Override
    public void sync() {
        if (appended.isEmpty()) {
            return;
        }
        List<QueuedCommand<?>> group = new ArrayList<>(appended.size());
        appended.forEach(entry -> group.add(entry.command()));
        lanes.enqueue(group);
        try {
            appended.forEach(Appended::settle);
        } finally {
            appended.clear();
        }
    }

    @Override
    public void close() {
        sync();
    }
}
