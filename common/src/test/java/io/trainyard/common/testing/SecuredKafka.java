package io.trainyard.common.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real Kafka broker with a SASL_SSL listener ({@link SecuredBroker}) per
 * test JVM, started on first use and stopped when the test run ends. Inject {@link SecuredBroker}.
 */
public final class SecuredKafka implements ParameterResolver {
    private static SecuredBroker broker;

    public static synchronized SecuredBroker broker() {
        if (broker == null) {
            broker = SecuredBroker.start();
        }
        return broker;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SecuredBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker();
    }
}
