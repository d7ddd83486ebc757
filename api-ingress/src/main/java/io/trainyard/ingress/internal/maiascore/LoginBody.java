package io.trainyard.ingress.internal.maiascore;

import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.FlatBody;
import java.util.Map;

/** {@code {identifier: "tenant/user", password}} as JSON or a form. */
final class LoginBody {
    private LoginBody() {}

    static Map<String, String> parse(byte[] body) {
        Map<String, String> fields = FlatBody.parse(body);
        for (String field : new String[] {"identifier", "password"}) {
            if (fields.getOrDefault(field, "").isEmpty()) {
                throw ApiException.missing(field);
            }
        }
        return fields;
    }
}
