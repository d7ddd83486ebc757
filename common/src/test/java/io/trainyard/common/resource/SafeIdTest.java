package io.trainyard.common.resource;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeIdTest {

    @Test
    void idsOfLettersDigitsAndSeparatorsAreSafe() {
        assertThat(ResourceFiles.isSafeId("019a7c3e-5f1b-7000-8000-000000000001")).isTrue();
        assertThat(ResourceFiles.isSafeId("a")).isTrue();
        assertThat(ResourceFiles.isSafeId("Run_1.v2-x")).isTrue();
        assertThat(ResourceFiles.isSafeId("x".repeat(128))).isTrue();
    }

    @Test
    void anythingThatCouldLeaveADirectoryOrIsNotAnIdIsRefused() {
        assertThat(ResourceFiles.isSafeId(null)).isFalse();
        assertThat(ResourceFiles.isSafeId("")).isFalse();
        assertThat(ResourceFiles.isSafeId("..")).isFalse();
        assertThat(ResourceFiles.isSafeId("a..b")).isFalse();
        assertThat(ResourceFiles.isSafeId(".hidden")).isFalse();
        assertThat(ResourceFiles.isSafeId("-flag")).isFalse();
        assertThat(ResourceFiles.isSafeId("a/b")).isFalse();
        assertThat(ResourceFiles.isSafeId("a b")).isFalse();
        assertThat(ResourceFiles.isSafeId("é")).isFalse();
        assertThat(ResourceFiles.isSafeId("x".repeat(129))).isFalse();
    }

    @Test
    void theShapeTakesItsOwnLengthLimit() {
        assertThat(ResourceFiles.hasIdShape("acme.eu-1", 64)).isTrue();
        assertThat(ResourceFiles.hasIdShape("t".repeat(65), 64)).isFalse();
        assertThat(ResourceFiles.hasIdShape("_acme", 64)).isFalse();
    }
}
