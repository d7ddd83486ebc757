package io.trainyard.common.testing;

import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A real Kafka broker with a SASL_SSL listener (started once per test JVM by {@link SecuredKafka}), as managed
 * Kafka services have: SCRAM-SHA-512 for user {@link #USER}, TLS with a key pair and certificate
 * for 127.0.0.1 made at start by the JDK's keytool. Its PLAINTEXT listener serves the readiness
 * probe and the broker's own replication only.
 */
public final class SecuredBroker {
    public static final String USER = "trainyard";
    private final KafkaBroker broker;
    private final int securedPort;
    private final Path truststore;
    private final String storePassword;
    private final String password;

    private SecuredBroker(KafkaBroker broker, int securedPort, Path truststore, String storePassword,
                         String password) {
        this.broker = broker;
        this.securedPort = securedPort;
        this.truststore = truststore;
        this.storePassword = storePassword;
        this.password = password;
    }

    static SecuredBroker start() {
        try {
            Path dir = Files.createTempDirectory("trainyard-kafka-sasl-");
            String storePassword = UUID.randomUUID().toString();
            Path keystore = dir.resolve("broker.p12");
            Path truststore = dir.resolve("clients-trust.p12");
            makeCertificate(dir, keystore, truststore, storePassword);
            int port = FreePort.pick();
            int controllerPort = FreePort.pick();
            int securedPort = FreePort.pick();
            String l = "listener.name.secured.";
            KafkaBroker broker = KafkaBroker.start(dir, port, controllerPort, Map.ofEntries(
                    Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort
                            + ",SECURED://127.0.0.1:" + securedPort),
                    Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port
                            + ",SECURED://127.0.0.1:" + securedPort),
                    Map.entry("listener.security.protocol.map",
                            "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURED:SASL_SSL"),
                    Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                    Map.entry(l + "sasl.enabled.mechanisms", "SCRAM-SHA-512"),
                    Map.entry(l + "scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                    Map.entry(l + "ssl.keystore.location", keystore.toString()),
                    Map.entry(l + "ssl.keystore.type", "PKCS12"),
                    Map.entry(l + "ssl.keystore.password", storePassword),
                    Map.entry(l + "ssl.key.password", storePassword)));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
            String password = UUID.randomUUID().toString();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            return new SecuredBroker(broker, securedPort, truststore, storePassword, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the SASL_SSL broker", e);
        }
    }

    /** A key pair and self-signed certificate for 127.0.0.1, and a truststore holding the certificate. */
    private static void makeCertificate(Path dir, Path keystore, Path truststore, String password) {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path cert = dir.resolve("broker.pem");
        keytool(dir, keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-keypass", password);
        keytool(dir, keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
                "-storepass", password, "-file", cert.toString());
        keytool(dir, keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
    }

    private static void keytool(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("keytool.log").toFile())).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + command[1] + " failed; see " + dir.resolve("keytool.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The SASL_SSL listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + securedPort;
    }

    /** The broker's PLAINTEXT listener, for setting up and checking what a test did. */
    public String plainBootstrapServers() {
        return broker.bootstrapServers();
    }

    public String password() {
        return password;
    }

    /** The client properties a managed Kafka asks for: SASL_SSL, SCRAM-SHA-512 as {@link #USER}, this CA trusted. */
    public Map<String, String> clientProperties(String password) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER + "\" password=\"" + password + "\";",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", storePassword);
    }
}
