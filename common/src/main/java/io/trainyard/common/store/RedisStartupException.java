package io.trainyard.common.store;

import io.trainyard.common.config.CommonSettings;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** A service could not use the Redis its settings name: the message says which setting and why. */
public final class RedisStartupException extends IllegalStateException {
    private RedisStartupException(String message, Throwable cause) {
        super(message, cause);
    }

    static RedisStartupException of(RedisEndpoint endpoint, JedisException e) {
        String setting = CommonSettings.REDIS_URI.env();
        Throwable refusal = refusal(e);
        if (refusal != null) {
            String who = endpoint.user() == null ? "the default user" : "user '" + endpoint.user() + "'";
            return new RedisStartupException(setting + ": Redis at " + endpoint + " refused " + who + " ("
                    + refusal.getMessage() + "); check the user and password in the URI and the user's ACL", e);
        }
        return new RedisStartupException(setting + ": cannot use Redis at " + endpoint + ": " + describe(e), e);
    }

    /** A WRONGPASS, NOAUTH or NOPERM anywhere in the causes (a cluster client wraps them). */
    private static Throwable refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisAccessControlException || isAuthError(t)) {
                return t;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Throwable found = refusal(suppressed);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean isAuthError(Throwable t) {
        String m = t.getMessage();
        return t instanceof JedisDataException && m != null
                && (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM"));
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            s.append(": ").append(t.getMessage());
        }
        return s.toString();
    }
}
