package io.trainyard.chaos;

import static io.trainyard.chaos.FuzzTargets.mlw;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests wrong at the HTTP level rather than in their content: bodies past the limits (declared
 * or chunked), headers and URIs too long, paging that is not a page, and raw protocol garbage the
 * JDK's client would refuse to send (broken request lines and headers, lying or doubled lengths,
 * bad chunks, smuggling attempts, bare line feeds).
 */
final class FuzzProtocol {
    private final FuzzText text;
    private final FuzzTargets targets;
    private final int maxBody;
    private final int maxUpload;

    FuzzProtocol(FuzzText text, FuzzTargets targets, int maxBody, int maxUpload) {
        this.text = text;
        this.targets = targets;
        this.maxBody = maxBody;
        this.maxUpload = maxUpload;
    }

    FuzzRequest oversized() {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Authorization", targets.admin()});
        switch (text.nextInt(5)) {
            case 0, 1 -> {
                headers.add(new String[] {"Content-Type", "application/json"});
                String padding = "x".repeat(maxBody + 1 + text.nextInt(maxBody));
                byte[] body = FuzzText.utf8("{\"taskName\":\"" + padding + "\",\"recurrence\":\"ONE_TIME\"}");
                String path = text.nextBoolean() ? targets.codePath() + "/execute" : mlw("/projects");
                return FuzzRequest.http("oversized", "POST", path, headers, body, text.nextBoolean());
            }
            case 2 -> {
                headers.add(new String[] {"Content-Type", "multipart/form-data; boundary=big"});
                String body = "--big\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.py\"\r\n\r\n"
                        + "#".repeat(maxUpload + 1 + text.nextInt(maxUpload)) + "\r\n--big--\r\n";
                return FuzzRequest.http("oversized", "POST", targets.projectPath() + "/resources", headers,
                        FuzzText.utf8(body), text.nextBoolean());
            }
            case 3 -> {
                headers.add(new String[] {"X-Fuzz", "h".repeat(20_000 + text.nextInt(40_000))});
                return FuzzRequest.http("oversized", "GET", targets.projectPath(), headers, null, false);
            }
            default -> {
                String target = mlw("/tasks/" + "t".repeat(10_000 + text.nextInt(20_000)));
                return FuzzRequest.http("oversized", "GET", target, headers, null, false);
            }
        }
    }

    FuzzRequest badQuery() {
        String value = FuzzText.encode(text.pick("0", "-1", "abc", "1001", "99999999999", "1.5", "", " ", text.hostile() + "x"));
        String target = switch (text.nextInt(5)) {
            case 0 -> mlw("/tasks?pageSize=" + (value.isEmpty() || value.equals("+") ? "0" : value));
            case 1 -> mlw("/tasks?currentPage=" + text.pick("0", "-3", "x", "1e3", "%00"));
            case 2 -> "/trainings?_limit=" + text.pick("x", "-2", "1.5", "99999999999", "%00");
            case 3 -> "/trainings/count?_start=" + text.pick("-1", "y", "1e9", "99999999999");
            default -> "/trainings?_sort=" + text.pick(":ASC", "%3ADESC", ":", "%20:x");
        };
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Authorization", targets.admin()});
        return FuzzRequest.http("bad-query", "GET", target, headers, null, false);
    }

    FuzzRequest raw() {
        String auth = "Authorization: " + targets.admin() + "\r\n";
        String path = text.pick(targets.projectPath(), mlw("/tasks"), "/api/sessions", "/trainings", "/x");
        String projects = mlw("/projects");
        String request = switch (text.nextInt(16)) {
            case 0 -> "GARBAGE\r\n\r\n";
            case 1 -> "GET\r\n\r\n";
            case 2 -> "GET " + path + " HTTP/9.9\r\nHost: x\r\n\r\n";
            case 3 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\nNo colon in this header\r\n\r\n";
            case 4 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "X-Bad: a\u0000b\r\n\r\n";
            case 5 -> "POST " + projects + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: -5\r\n\r\n{}";
            case 6 -> "POST " + projects + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: abc\r\n\r\n{}";
            case 7 -> "POST " + projects + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}";
            case 8 -> "POST " + projects + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n0\r\n\r\n";
            case 9 -> "POST " + projects + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            case 10 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  continued\r\n\r\n";
            case 11 -> "GET /" + "%".repeat(1 + text.nextInt(5)) + "zz HTTP/1.1\r\nHost: x\r\n\r\n";
            // The absolute form is legal HTTP (servers must accept it), so only its path may be wrong.
            case 12 -> "GET http://evil.example" + path + "/zz" + text.nextInt(1_000) + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
            case 13 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + "X-Many: y\r\n".repeat(300 + text.nextInt(700)) + "\r\n";
            case 14 -> "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n";
            default -> "GET " + path + "\nHost: x\n\n";
        };
        return FuzzRequest.raw("raw-protocol", path, request);
    }
}
