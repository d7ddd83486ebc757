package io.trainyard.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventLineTest {
    @Test
    void fieldsFollowTheEventInOrderAndNullsAreLeftOut() {
        String line = EventLine.of("started").with("task", "t1").with("run", "r1").with("tenant", "acme")
                .with("attempt", 2).with("project", null).toString();

        assertThat(line).isEqualTo("event=started task=t1 run=r1 tenant=acme attempt=2");
    }

    @Test
    void valuesThatWouldSplitTheLineOrAFieldAreQuoted() {
        String line = EventLine.of("retried").with("reason", "exit code 3: \"boom\"\nnext line")
                .with("empty", "").with("expr", "a=b").toString();

        assertThat(line).isEqualTo("event=retried reason=\"exit code 3: \\\"boom\\\"\\nnext line\" empty=\"\" expr=\"a=b\"")
                .doesNotContain("\n");
    }
}
