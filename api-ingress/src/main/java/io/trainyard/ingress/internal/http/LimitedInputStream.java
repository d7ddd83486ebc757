package io.trainyard.ingress.internal.http;

import io.helidon.http.RequestException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body stream that answers 413 (by throwing) as soon as more than its limit was read,
 * and 400 when the body cannot be decoded (e.g. a chunk size that is not hexadecimal): the
 * server's decoder reports that with a plain runtime exception, which is the client's fault, not
 * a server error.
 */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (ApiException | RequestException e) {
            throw e; // already an answer: ours, or the server's own (e.g. 413 past its payload limit)
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (ApiException | RequestException e) {
            throw e; // already an answer: ours, or the server's own (e.g. 413 past its payload limit)
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    private static ApiException unreadable(RuntimeException e) {
        return ApiException.malformed("the body could not be read as sent (" + e.getClass().getSimpleName() + ")");
    }

    private void advance(long n) {
        count += n;
        if (count > limit) {
            throw ApiException.tooLarge(limit);
        }
    }
}
