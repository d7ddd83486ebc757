package io.trainyard.worker.internal.sandbox;

import java.time.Duration;

/**
 * How a supervised process ended.
 *
 * @param ending exited by itself, killed at its deadline, or killed on request
 * @param exitCode the exit status (128 + signal when killed by a signal); -1 when unknown
 * @param pid the process id of the sandbox's first process on the host
 * @param stdout captured standard output, possibly truncated with a marker
 * @param stderr captured standard error, possibly truncated with a marker
 * @param elapsed wall-clock time from start to end
 */
public record ProcessResult(Ending ending, int exitCode, long pid, String stdout, String stderr, Duration elapsed) {
    public enum Ending { EXITED, TIMED_OUT, STOPPED }

    /** A human reading of the exit code, e.g. "exit code 1" or "killed by signal 9 (SIGKILL)". */
    public String describeExit() {
        if (exitCode > 128 && exitCode < 128 + 65) {
            int signal = exitCode - 128;
            String name = switch (signal) {
                case 6 -> " (SIGABRT)";
                case 9 -> " (SIGKILL, e.g. out of memory)";
                case 11 -> " (SIGSEGV)";
                case 15 -> " (SIGTERM)";
                case 24 -> " (SIGXCPU: CPU time limit)";
                case 25 -> " (SIGXFSZ: file size limit)";
                default -> "";
            };
            return "exit code " + exitCode + ", killed by signal " + signal + name;
        }
        return "exit code " + exitCode;
    }
}
