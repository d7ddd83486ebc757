package io.trainyard.chaos;

import static io.trainyard.chaos.FuzzText.jsonString;
import static io.trainyard.chaos.FuzzText.printable;

import java.nio.charset.StandardCharsets;

/**
 * Request bodies that break at least one rule of the endpoint they are sent to, so none of them
 * may be accepted: malformed JSON, wrong types, missing or hostile required fields, broken
 * multipart, hostile XML, refused logins.
 */
final class FuzzBodies {
    /** A body with the content type it is sent under. */
    record Body(String contentType, byte[] bytes) {}

    private final FuzzText text;

    FuzzBodies(FuzzText text) {
        this.text = text;
    }

    String contentType() {
        return text.pick("application/json", "application/json", "application/json; charset=utf-8", "text/plain",
                "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "multipart/form-data", "a/b;;;=;", "application/json; charset=ebcdic", "*/*",
                "application/" + "x".repeat(1_000));
    }

    /**
     * A project body that breaks a rule: the name missing, blank, not a string, too long, with a
     * control character or a separator, or a description too long or not a string.
     */
    byte[] project(boolean update) {
        // An update may leave the name out, so it must break another rule.
        String json = switch (update ? 1 + text.nextInt(8) : text.nextInt(9)) {
            case 0 -> "{\"description\":" + jsonString(text.hostile()) + "}";
            case 1 -> "{\"name\":\"   \"}";
            case 2 -> "{\"name\":" + wrongType() + "}";
            case 3 -> "{\"name\":\"" + "n".repeat(129 + text.nextInt(500)) + "\"}";
            case 4 -> "{\"name\":\"bad\\u0000" + text.nextInt() + "\"}";
            case 5 -> "{\"name\":\"a/b" + text.nextInt() + "\"}";
            case 6 -> "{\"name\":\"fine-" + text.nextInt() + "\",\"description\":\"" + "d".repeat(4_097) + "\"}";
            case 7 -> "{\"name\":\"fine-" + text.nextInt() + "\",\"description\":" + wrongType() + "}";
            default -> malformedJson();
        };
        return FuzzText.utf8(json);
    }

    /** An execute/workflow body that breaks a rule; the task name is hostile or absent, so no task is ever created. */
    byte[] execute() {
        String name = jsonString("fuzz-" + text.nextInt() + text.hostile());
        String json = switch (text.nextInt(12)) {
            case 0 -> "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\"}";
            case 1 -> "{\"taskName\":" + wrongType() + ",\"recurrence\":\"ONE_TIME\"}";
            case 2 -> "{\"taskName\":" + name + ",\"recurrence\":" + jsonString(text.hostile() + "X") + "}";
            case 3 -> "{\"taskName\":" + name + "}";
            case 4 -> "{\"taskName\":" + name + ",\"recurrence\":\"ONE_TIME\",\"timeoutSeconds\":"
                    + text.pick("-1", "1e309", "\"soon\"", "1.5", "99999999999", "[]", "{}", "true") + "}";
            case 5 -> "{\"taskName\":" + name + ",\"recurrence\":\"REPEAT\",\"cronExpression\":"
                    + jsonString(text.pick("* * *", "61 * * * *", "@never", text.hostile() + " x", "*/0 * * * *")) + "}";
            case 6 -> "{\"taskName\":" + name + ",\"recurrence\":\"ONE_TIME\",\"startDate\":"
                    + jsonString(text.pick("yesterday", "2026-13-45T99:99", text.hostile() + "Z", "0000-00-00")) + "}";
            case 7 -> "{\"taskName\":" + name + ",\"recurrence\":\"ONE_TIME\",\"timeZone\":"
                    + jsonString(text.pick("Mars/Olympus", "UTC+99", text.hostile() + "/x")) + "}";
            case 8 -> "{\"taskName\":\"bad\\u0007name-" + text.nextInt() + "\",\"recurrence\":\"ONE_TIME\"}";
            case 9 -> "{\"taskName\":\"" + "t".repeat(129 + text.nextInt(300)) + "\",\"recurrence\":\"ONE_TIME\"}";
            case 10 -> "{\"taskName\":\"a/b/" + text.nextInt() + "\",\"recurrence\":\"ONE_TIME\"}";
            default -> malformedJson();
        };
        return FuzzText.utf8(json);
    }

    /** A {@code save} body without a string {@code content}. */
    byte[] save() {
        return FuzzText.utf8(switch (text.nextInt(4)) {
            case 0 -> "{\"contents\":\"print(1)\"}";
            case 1 -> "{\"content\":" + wrongType() + "}";
            case 2 -> "[\"content\"]";
            default -> malformedJson();
        });
    }

    /** An upload the store refuses: a refused file name, no file part, a broken or no multipart body. */
    Body upload() {
        String boundary = "b" + text.nextInt(1_000_000);
        String fileName = switch (text.nextInt(6)) {
            case 0 -> "evil.exe";
            case 1 -> "noextension";
            case 2 -> "../../x.sh";
            case 3 -> "bad\u0001name.py";
            case 4 -> "...";
            default -> printable(text.hostile()) + ".zip";
        };
        String body = switch (text.nextInt(5)) {
            case 0, 1 -> "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + fileName.replace("\"", "") + "\"\r\n\r\nprint(1)\r\n--" + boundary + "--\r\n";
            case 2 -> "--" + boundary + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--" + boundary + "--\r\n";
            // Cut off after the part's headers: a .pyc, since a complete x.py part would be a valid upload.
            case 3 -> "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pyc\"\r\n";
            default -> malformedJson();
        };
        String type = text.nextInt(4) == 0 ? contentType() : "multipart/form-data; boundary=" + boundary;
        return new Body(type, FuzzText.utf8(body));
    }

    /** A maiascore training without a uuid, with a number that is not one, hostile XML, a bad form or type. */
    Body training() {
        return switch (text.nextInt(6)) {
            case 0 -> json("{\"accuracy\":0.9,\"meta\":" + jsonString(text.hostile()) + "}");
            case 1 -> json("{\"uuid\":\"u-" + text.nextInt() + "\",\"accuracy\":"
                    + jsonString(text.pick("high", "NaN", "1e999x", text.hostile() + "q")) + "}");
            case 2 -> new Body("application/xml", FuzzText.utf8(text.pick("<item><uuid>x</uuid>",
                    "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><item><uuid>&lol2;</uuid></item>",
                    "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\"><item/>",
                    "not xml at all", "<item><accuracy>1</accuracy></item>")));
            case 3 -> new Body("application/x-www-form-urlencoded", FuzzText.utf8(text.pick("accuracy=0.5&meta=x",
                    "uuid=%ZZ", "uuid=" + "u".repeat(5_000), "uuid=a%07b")));
            case 4 -> new Body(text.pick("text/csv", "image/png", "application/octet-stream"), FuzzText.utf8("uuid=x"));
            default -> json(malformedJson());
        };
    }

    /** A Chorus login without a user name or password, with a wrong password, or unreadable. */
    Body login(String tenant) {
        boolean json = text.nextBoolean();
        String user = tenant + "/admin";
        String password = "wrong-" + text.nextInt();
        String body = switch (text.nextInt(4)) {
            case 0 -> json ? "{\"username\":" + jsonString(user) + "}" : "username=" + FuzzText.encode(user);
            case 1 -> json ? "{\"password\":\"x\"}" : "password=x";
            case 2 -> json ? "{\"username\":" + jsonString(user) + ",\"password\":" + jsonString(password) + "}"
                    : "username=" + FuzzText.encode(user) + "&password=" + FuzzText.encode(password);
            default -> json ? malformedJson() : "%%%=&&==";
        };
        return new Body(json ? "application/json" : "application/x-www-form-urlencoded", FuzzText.utf8(body));
    }

    String malformedJson() {
        return switch (text.nextInt(9)) {
            case 0 -> "{\"taskName\": ";
            case 1 -> "[1,2,3]";
            case 2 -> "";
            case 3 -> "\"just a string\"";
            case 4 -> "{" + "\"a\":{".repeat(2_000) + "}".repeat(2_000) + "}";
            case 5 -> "{'single': 'quotes'}";
            case 6 -> "{\"a\":1}{\"b\":2";
            case 7 -> new String(text.randomBytes(1 + text.nextInt(200)), StandardCharsets.ISO_8859_1);
            default -> "nul";
        };
    }

    /** A JSON value of the wrong type; never null, since an optional field that is null counts as absent. */
    String wrongType() {
        return text.pick("42", "true", "[\"a\"]", "{\"x\":1}", "-0.5", "1e400");
    }

    private static Body json(String body) {
        return new Body("application/json", FuzzText.utf8(body));
    }
}
