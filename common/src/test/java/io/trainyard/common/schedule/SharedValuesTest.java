package io.trainyard.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SharedValuesTest {
    @Test
    void equalValuesComeBackAsTheFirstInstance() {
        SharedValues<String, String> shared = SharedValues.ofValues(8);
        String first = new String("tenant-a");
        String second = new String("tenant-a");
        assertThat(shared.share(first)).isSameAs(first);
        assertThat(shared.share(second)).isSameAs(first);
        assertThat(shared.share("tenant-b")).isEqualTo("tenant-b");
        assertThat(shared.share(null)).isNull();
    }

    @Test
    void keepsOnlyTheMostRecentlySeenValues() {
        SharedValues<String, String> shared = SharedValues.ofValues(2);
        String a = new String("a");
        shared.share(a);
        shared.share("b");
        shared.share("c");
        assertThat(shared.size()).isEqualTo(2);
        String again = new String("a");
        assertThat(shared.share(again)).isSameAs(again);
    }

    @Test
    void aKeyIsMadeIntoItsValueOnceAndAFailedMakeKeepsNothing() {
        SharedValues<String, Integer> lengths = new SharedValues<>(8);
        int[] made = {0};
        assertThat(lengths.get("four", key -> ++made[0] > 0 ? key.length() : 0)).isEqualTo(4);
        assertThat(lengths.get("four", key -> ++made[0] > 0 ? key.length() : 0)).isEqualTo(4);
        assertThat(made[0]).isEqualTo(1);
        assertThatThrownBy(() -> lengths.get("bad", key -> {
            throw new IllegalArgumentException("no");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(lengths.size()).isEqualTo(1);
    }

    @Test
    void refusesACapacityBelowOne() {
        assertThatThrownBy(() -> new SharedValues<String, String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
