package io.trainyard.common.store;

import io.trainyard.common.config.CommonSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;

/**
 * Credentials and TLS of the connections to Redis. With TLS the server's certificate must name
 * the host connected to, and is trusted when it chains to the JVM's CAs or, when
 * {@link CommonSettings#REDIS_TLS_CA_FILE} is set, to the CAs of that PEM file.
 */
final class RedisTls {
    private RedisTls() {}

    static JedisClientConfig clientConfig(RedisEndpoint endpoint, String caFile) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .user(endpoint.user())
                .password(endpoint.password())
                .database(endpoint.database())
                .ssl(endpoint.tls());
        if (endpoint.tls()) {
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            client.sslParameters(parameters);
            if (!caFile.isEmpty()) {
                client.sslSocketFactory(trusting(Path.of(caFile)));
            }
        }
        return client.build();
    }

    /** Sockets that trust exactly the certificates of a PEM file. */
    static SSLSocketFactory trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalArgumentException(CommonSettings.REDIS_TLS_CA_FILE.env() + ": no certificate in " + pem);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(CommonSettings.REDIS_TLS_CA_FILE.env() + ": cannot read " + pem
                    + ": " + e.getMessage(), e);
        }
    }
}
