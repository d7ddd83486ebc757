package io.trainyard.ingress.internal.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Records every route the services register ("GET /service/mlw/tasks/{taskID}"), so the
 * OpenAPI document can be checked against what is really served.
 */
public final class RouteTable {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");

    private final SortedSet<String> routes = new TreeSet<>();
    private final Map<String, Pattern> patterns = new HashMap<>();

    /** {@code service}, registering through a recorder; {@code prefix} is where it is mounted ("" for the root). */
    public HttpService record(String prefix, HttpService service) {
        return rules -> service.routing(recording(prefix, rules));
    }

    public synchronized SortedSet<String> routes() {
        return new TreeSet<>(routes);
    }

    /**
     * The methods some route serves {@code path} with (empty when no route has the path): what a
     * 405 lists in {@code Allow} when a request used another.
     */
    public synchronized SortedSet<String> methodsFor(String path) {
        SortedSet<String> methods = new TreeSet<>();
        for (String route : routes) {
            int space = route.indexOf(' ');
            if (patternOf(route.substring(space + 1)).matcher(path).matches()) {
                methods.add(route.substring(0, space));
            }
        }
        return methods;
    }

    private Pattern patternOf(String template) {
        return patterns.computeIfAbsent(template, t -> {
            StringBuilder regex = new StringBuilder();
            for (String part : t.split("(?=\\{)|(?<=})")) {
                regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
            }
            return Pattern.compile(regex.toString());
        });
    }

    private HttpRules recording(String prefix, HttpRules rules) {
        HttpRules[] self = new HttpRules[1];
        InvocationHandler handler = (proxy, method, args) -> {
            if (METHODS.contains(method.getName()) && args != null && args.length > 0 && args[0] instanceof String path) {
                synchronized (this) {
                    routes.add(method.getName().toUpperCase(Locale.ROOT) + " " + prefix + path);
                }
            }
            Object result;
            try {
                result = method.invoke(rules, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return result == rules ? self[0] : result;
        };
        self[0] = (HttpRules) Proxy.newProxyInstance(HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class},
                handler);
        return self[0];
    }
}
