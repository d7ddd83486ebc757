package io.trainyard.ingress.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void acceptsOrdinaryNamesTrimmed() {
        assertThat(Names.check("taskName", "  script 1 (ü) ")).isEqualTo("script 1 (ü)");
    }

    @Test
    void refusesControlCharactersSeparatorsAndLongNames() {
        for (String bad : new String[] {"a\nb", "a\u0000", "a\u202Eb", "a/b", "a\\b", "..", "x".repeat(129), "   "}) {
            assertThatThrownBy(() -> Names.check("taskName", bad))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("taskName")
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        }
    }
}
