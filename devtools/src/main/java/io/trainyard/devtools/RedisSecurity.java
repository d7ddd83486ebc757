package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS and an ACL user for local Redis processes, made on the spot: a throw-away CA (openssl), a
 * server certificate for 127.0.0.1 signed by it, and a user with a random password. The
 * {@code default} user is switched off, so only that user gets in.
 */
public record RedisSecurity(Path caCertificate, Path certificate, Path key, String user, String password) {

    /** Makes the CA, the certificate and the user's password in {@code dir}. */
    public static RedisSecurity create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path ext = dir.resolve("san.ext");
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                    "-days", "2", "-subj", "/CN=trainyard-test-ca");
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "redis.key", "-out", "redis.csr",
                    "-subj", "/CN=127.0.0.1");
            openssl(dir, "x509", "-req", "-in", "redis.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "redis.crt", "-days", "2", "-extfile", ext.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        return new RedisSecurity(dir.resolve("ca.crt"), dir.resolve("redis.crt"), dir.resolve("redis.key"),
                "trainyard", HexFormat.of().formatHex(secret));
    }

    /** redis-server arguments: TLS on {@code port} only (no plain port), the user, and replication as that user. */
    List<String> serverArgs(int port) {
        List<String> args = new ArrayList<>(tlsArgs(port));
        // Each word its own argument: redis-server quotes an argument with a space as one token.
        args.addAll(List.of("--user", "default", "off"));
        args.add("--user");
        args.addAll(List.of(userRule().split(" ")));
        args.addAll(List.of("--masteruser", user, "--masterauth", password));
        return args;
    }

    List<String> tlsArgs(int port) {
        return List.of("--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", caCertificate.toString(), "--tls-auth-clients", "no",
                "--tls-replication", "yes", "--tls-cluster", "yes");
    }

    /** The ACL rule of the user: everything, as the services need. */
    String userRule() {
        return user + " on >" + password + " ~* &* +@all";
    }

    /** redis-cli arguments to connect as the user over TLS. */
    List<String> cliArgs() {
        return List.of("--tls", "--cacert", caCertificate.toString(), "--user", user, "--pass", password,
                "--no-auth-warning");
    }

    /** The credentials part of a Redis URI ({@code user:password@}). */
    public String credentials() {
        return user + ":" + password + "@";
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Executables.require("openssl", "openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making certificates", e);
        }
    }
}
