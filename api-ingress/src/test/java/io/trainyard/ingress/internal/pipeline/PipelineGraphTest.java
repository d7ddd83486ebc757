package io.trainyard.ingress.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.job.JobType;
import io.trainyard.ingress.internal.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineGraphTest {
    private static PipelineStep step(String name, String... parents) {
        return new PipelineStep(name, JobType.NOOP, null, null, null, null, 0, List.of(parents), "[]", Map.of());
    }

    @Test
    void aDiamondKnowsEachStepsChildren() {
        PipelineGraph g = PipelineGraph.of(List.of(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c")));
        assertThat(g.children("a")).containsExactly("b", "c");
        assertThat(g.children("d")).isEmpty();
        assertThat(g.steps()).extracting(PipelineStep::name).containsExactly("a", "b", "c", "d");
    }

    @Test
    void eachBadGraphIsRefusedNamingItsProblem() {
        assertRefused(List.of(), "at least one step");
        assertRefused(List.of(step("a"), step("a")), "duplicate step name 'a'");
        assertRefused(List.of(step("a", "ghost")), "step 'a' depends on unknown step 'ghost'");
        assertRefused(List.of(step("a", "b"), step("b", "a")), "steps a -> b -> a form a cycle");
        assertRefused(List.of(step("x"), step("a", "x", "c"), step("b", "a"), step("c", "b")),
                "steps a -> b -> c -> a form a cycle");
        assertRefused(List.of(step("a", "a")), "steps a -> a form a cycle");
        assertRefused(List.of(step("a"), step("b", "a", "a")), "names 'a' twice");
        assertRefused(List.of(step("../x")), "step name '../x'");
        assertRefused(List.of(step("a..b")), "without '..'");
    }

    @Test
    void aLongChainIsNotACycle() {
        List<PipelineStep> chain = new ArrayList<>();
        chain.add(step("s0"));
        for (int i = 1; i < 5_000; i++) {
            chain.add(step("s" + i, "s" + (i - 1)));
        }
        assertThat(PipelineGraph.of(chain).size()).isEqualTo(5_000);
    }

    private static void assertRefused(List<PipelineStep> steps, String message) {
        assertThatThrownBy(() -> PipelineGraph.of(steps)).isInstanceOf(ApiException.class).hasMessageContaining(message);
    }
}
