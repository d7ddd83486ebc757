package io.trainyard.ingress.internal.maiascore;

import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.FlatBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The body of {@code POST /trainings} as JSON, XML ({@code <item>...</item>}) or a form. The
 * content type picks the parser, except that a "form" body that is a JSON object is read as JSON:
 * maiascore's own examples send JSON under a form content type.
 */
final class TrainingBody {
    static final List<String> NUMBERS = List.of("accuracy", "precission", "mae", "rmse");
    static final List<String> TEXTS = List.of("uuid", "binaryPath", "version", "meta");
    static final int MAX_TEXT = 4096;

    private TrainingBody() {}

    static Map<String, String> parse(byte[] body, String contentType) {
        String type = contentType == null ? "application/json" : contentType.toLowerCase(Locale.ROOT);
        String text = new String(body, StandardCharsets.UTF_8).strip();
        Map<String, String> fields;
        if (type.contains("xml")) {
            fields = xml(body);
        } else if (type.startsWith("application/x-www-form-urlencoded") && !text.startsWith("{")) {
            fields = FlatBody.form(text);
        } else if (type.contains("json") || type.startsWith("application/x-www-form-urlencoded")) {
            fields = FlatBody.json(body);
        } else {
            throw ApiException.of(io.trainyard.ingress.internal.http.Problem.UNSUPPORTED_MEDIA_TYPE,
                    "Send the training as application/json, application/xml or application/x-www-form-urlencoded");
        }
        return validate(fields);
    }

    private static Map<String, String> validate(Map<String, String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        String uuid = fields.getOrDefault("uuid", "").strip();
        if (uuid.isEmpty()) {
            throw ApiException.missing("uuid");
        }
        for (String field : TEXTS) {
            String value = fields.get(field);
            if (value != null) {
                if (value.length() > MAX_TEXT) {
                    throw ApiException.invalid(field, "longer than " + MAX_TEXT + " characters");
                }
                if (!field.equals("meta") && value.chars().anyMatch(Character::isISOControl)) {
                    throw ApiException.invalid(field, "contains a control character");
                }
                out.put(field, value.strip());
            }
        }
        for (String field : NUMBERS) {
            String value = fields.get(field);
            if (value != null && !value.isBlank()) {
                try {
                    double number = Double.parseDouble(value.strip());
                    if (Double.isNaN(number) || Double.isInfinite(number)) {
                        throw new NumberFormatException();
                    }
                    out.put(field, Double.toString(number));
                } catch (NumberFormatException e) {
                    throw ApiException.invalid(field, "must be a number");
                }
            }
        }
        return out;
    }

    private static Map<String, String> xml(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // No DTDs, no external entities: an XML body can never read files or reach the network.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            Element root = builder.parse(new ByteArrayInputStream(body)).getDocumentElement();
            Map<String, String> fields = new LinkedHashMap<>();
            for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element) {
                    fields.putIfAbsent(element.getTagName(), element.getTextContent());
                }
            }
            return fields;
        } catch (SAXException | IOException e) {
            // The parser refuses a DOCTYPE outright; say so rather than blame the XML's form.
            if (new String(body, StandardCharsets.UTF_8).contains("<!DOCTYPE")) {
                throw ApiException.malformed("DTDs are not accepted");
            }
            throw ApiException.malformed("not well-formed XML");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks secure processing", e);
        }
    }
}
