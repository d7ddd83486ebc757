package io.trainyard.ingress.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;

/**
 * Streams one file field out of a {@code multipart/form-data} body (Apache mime4j's pull
 * parser), without buffering the file in memory.
 */
public final class Multipart {
    /** Receives the file part: its client-side name, its declared type and its content. */
    @FunctionalInterface
    public interface FileSink<T> {
        T accept(String fileName, String contentType, InputStream content);
    }

    private Multipart() {}

    /**
     * Finds the part named {@code field} that carries a file and hands it to {@code sink}.
     * A body that is not multipart, or has no such part, is a 400 naming the field.
     */
    public static <T> T file(InputStream body, String contentType, String field, FileSink<T> sink) {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")
                || !contentType.toLowerCase().contains("boundary=")) {
            throw ApiException.invalid(field, "upload as multipart/form-data with a '" + field + "' file part");
        }
        MimeConfig config = new MimeConfig.Builder()
                .setMaxLineLen(-1).setMaxHeaderLen(16 * 1024).setMaxHeaderCount(64).setMaxContentLen(-1)
                .build();
        MimeTokenStream parts = new MimeTokenStream(config);
        parts.parseHeadless(body, contentType);
        String name = null;
        String fileName = null;
        String partType = "application/octet-stream";
        try {
            for (EntityState state = parts.next(); state != EntityState.T_END_OF_STREAM; state = parts.next()) {
                switch (state) {
                    case T_START_BODYPART -> {
                        name = null;
                        fileName = null;
                        partType = "application/octet-stream";
                    }
                    case T_FIELD -> {
                        Field header = parts.getField();
                        if (header.getName().equalsIgnoreCase("Content-Disposition")) {
                            RawBody disposition = RawFieldParser.DEFAULT.parseRawBody(
                                    RawFieldParser.DEFAULT.parseField(header.getRaw()));
                            for (NameValuePair p : disposition.getParams()) {
                                if (p.getName().equalsIgnoreCase("name")) {
                                    name = p.getValue();
                                } else if (p.getName().equalsIgnoreCase("filename")) {
                                    fileName = p.getValue();
                                }
                            }
                        } else if (header.getName().equalsIgnoreCase("Content-Type")) {
                            partType = header.getBody().trim();
                        }
                    }
                    case T_BODY -> {
                        if (field.equals(name) && fileName != null) {
                            return sink.accept(fileName, partType, parts.getDecodedInputStream());
                        }
                    }
                    default -> { }
                }
            }
        } catch (MimeException e) {
            throw ApiException.malformed("the multipart body could not be parsed (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw ApiException.missing(field);
    }
}
