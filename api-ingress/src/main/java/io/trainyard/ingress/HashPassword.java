package io.trainyard.ingress;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Prints a bcrypt hash for a password, for building a users file:
 * {@code java -cp ... io.trainyard.ingress.HashPassword <password>}, or the password on
 * standard input (kept out of the process list).
 */
public final class HashPassword {
    public static final int COST = 10;

    private HashPassword() {}

    public static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    public static void main(String[] args) throws IOException {
        String password;
        if (args.length > 0) {
            password = args[0];
        } else {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (password == null || password.isEmpty()) {
            System.err.println("usage: HashPassword <password>   (or the password on standard input)");
            System.exit(2);
        }
        System.out.println(hash(password));
    }
}
