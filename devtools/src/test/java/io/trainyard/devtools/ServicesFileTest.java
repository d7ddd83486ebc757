package io.trainyard.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesFileTest {
    @TempDir
    Path dir;

    @Test
    void groupsStartInTheOrderTheyFirstAppearAndKeepEnvironmentAndCommandApart() throws IOException {
        Path file = write("""
                # written by ./trainyard up
                services\tingress\tHTTP_PORT=8080\tUSERS_FILE=/my dir/u.json\t/jdk/bin/java\t-cp\ta.jar\tIngressMain

                workers\tworker-1\tTRAINYARD_WORKER_ID=worker-1\t/jdk/bin/java\tWorkerMain
                services\tscheduler\t/jdk/bin/java\tSchedulerMain
                """);

        List<List<ServiceDefinition>> groups = ServicesFile.read(file, dir.resolve("logs"));

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).extracting(ServiceDefinition::name).containsExactly("ingress", "scheduler");
        assertThat(groups.get(1)).extracting(ServiceDefinition::name).containsExactly("worker-1");
        ServiceDefinition ingress = groups.get(0).get(0);
        assertThat(ingress.environment()).isEqualTo(Map.of("HTTP_PORT", "8080", "USERS_FILE", "/my dir/u.json"));
        assertThat(ingress.command()).containsExactly("/jdk/bin/java", "-cp", "a.jar", "IngressMain");
        assertThat(ingress.log()).isEqualTo(dir.resolve("logs/ingress.log"));
        assertThat(groups.get(0).get(1).environment()).isEmpty();
    }

    @Test
    void aLineThatIsNotAServiceFailsNamingIt() throws IOException {
        assertThatThrownBy(() -> ServicesFile.read(write("services\tingress\tA=1\n"), dir))
                .hasMessageContaining("line 1").hasMessageContaining("ingress has no command");
        assertThatThrownBy(() -> ServicesFile.read(write("services\tingress\tjava\nworkers\tingress\tjava\n"), dir))
                .hasMessageContaining("line 2").hasMessageContaining("a second service named ingress");
        assertThatThrownBy(() -> ServicesFile.read(write("services ingress java\n"), dir))
                .hasMessageContaining("tab-separated");
        assertThatThrownBy(() -> ServicesFile.read(write("services\t../x\tjava\n"), dir))
                .hasMessageContaining("not a service name");
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("services"), text);
    }
}
