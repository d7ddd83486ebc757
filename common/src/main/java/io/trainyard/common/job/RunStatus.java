package io.trainyard.common.job;

/** The life of one run (an MLW "individual task"). Terminal statuses are written exactly once. */
public enum RunStatus {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED,
    TIMED_OUT;

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    /**
     * The terminal statuses as a Lua table literal ({@code {COMPLETED = true, ...}}): what a Lua
     * script's {@code __ENDED_STATUSES__} becomes when {@code LuaScript} loads it, so that the
     * scripts and this enum cannot disagree on which statuses end a run.
     */
    public static String endedAsLuaTable() {
        StringBuilder table = new StringBuilder("{");
        for (RunStatus status : values()) {
            if (status.isTerminal()) {
                table.append(table.length() > 1 ? ", " : "").append(status.name()).append(" = true");
            }
        }
        return table.append('}').toString();
    }
}
