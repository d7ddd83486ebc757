package io.trainyard.common.store;

/**
 * Jedis's cluster pipeline does not fail its {@code sync()} when it loses a node (a primary
 * killed mid-pipeline): it logs the error and leaves that node's replies unset, and their
 * {@code Response.get()} throws an {@link IllegalStateException}. That is a lost connection,
 * retryable like any {@code JedisConnectionException}; this tells the two apart from a bug.
 */
public final class LostReply {
    private static final String UNSET_REPLY = "Please close pipeline or multi block before calling this method.";

    private LostReply() {}

    /** True when {@code thrown} is a pipeline reply that never came. */
    public static boolean is(Throwable thrown) {
        return thrown instanceof IllegalStateException && UNSET_REPLY.equals(thrown.getMessage());
    }
}
