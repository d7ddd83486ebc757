package io.trainyard.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Writes bytes to the server as they are (requests the JDK's client refuses to send: broken
 * request lines and headers, lying lengths, smuggling attempts) and reads whatever comes back
 * until the server closes the connection.
 */
final class RawHttp {
    /** What came back: the status (0 when the server closed without answering) and the body. */
    record Reply(int status, String body) {}

    private RawHttp() {}

    static Reply send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // The server may answer and close before it read everything: read what it said.
            }
            byte[] answer = readAll(socket.getInputStream());
            return parse(answer);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // Kept open: take what was answered so far.
        } catch (IOException e) {
            // Reset after the answer: take what was answered.
        }
        return out.toByteArray();
    }

    /** The first response in {@code bytes}: status and body (Content-Length or chunked). */
    static Reply parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.")) {
            return new Reply(0, text);
        }
        int lineEnd = text.indexOf("\r\n");
        int status = Integer.parseInt(text.substring(9, 12));
        int headersEnd = text.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            return new Reply(status, "");
        }
        String headers = text.substring(lineEnd + 2, headersEnd).toLowerCase(java.util.Locale.ROOT);
        String rest = text.substring(headersEnd + 4);
        String body;
        if (headers.contains("transfer-encoding: chunked")) {
            body = dechunk(rest);
        } else {
            int length = rest.length();
            for (String header : headers.split("\r\n")) {
                if (header.startsWith("content-length:")) {
                    length = Math.min(length, Integer.parseInt(header.substring(15).strip()));
                }
            }
            body = rest.substring(0, length);
        }
        return new Reply(status, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int end = chunked.indexOf("\r\n", at);
            if (end < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, end).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, end + 2, Math.min(chunked.length(), end + 2 + size));
            at = end + 2 + size + 2;
        }
        return body.toString();
    }
}
