package io.trainyard.common.store;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LuaScriptSlotTest {
    @Test
    void keysOfOneTenantShareTheirSlot() {
        TenantKeys keys = new TenantKeys("acme");
        assertThatCode(() -> LuaScript.requireOneSlot("submit",
                List.of(keys.names(), keys.task("t1"), keys.tasks(), keys.taskRuns("t1"), keys.run("r1"),
                        keys.inflight(), keys.resourceLatestTask("res"))))
                .doesNotThrowAnyException();
    }

    @Test
    void keysOfTwoTenantsOrTheCrossTenantSetAreRefused() {
        assertThatThrownBy(() -> LuaScript.requireOneSlot("start",
                List.of(new TenantKeys("acme").inflight(), new TenantKeys("globex").run("r1"))))
                .hasMessageContaining("Lua script start: keys ty:{acme}:inflight and ty:{globex}:run:r1 lie in "
                        + "different hash slots");
        assertThatThrownBy(() -> LuaScript.requireOneSlot("start",
                List.of(new TenantKeys("acme").inflight(), TenantKeys.INFLIGHT_TENANTS)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
