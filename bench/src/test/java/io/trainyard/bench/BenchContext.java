package io.trainyard.bench;

import java.nio.file.Path;

/**
 * What every workload works with: the options, the cluster, where service logs go, the report
 * it adds its rows to, and a nonce that keeps this run's ids apart from any earlier run's.
 */
record BenchContext(BenchOptions options, BenchCluster cluster, Path logs, Report report, String nonce) {
    void say(String message) {
        System.err.printf("bench: %s%n", message);
    }
}
