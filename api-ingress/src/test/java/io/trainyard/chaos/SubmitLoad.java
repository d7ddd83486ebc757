package io.trainyard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady HTTP submit load: {@code clients} virtual threads, each submitting a one-time task of
 * the same script resource under a fresh name as soon as its previous submit was answered, until
 * stopped. Every answer is kept, so a scenario can check what became of each 200.
 */
final class SubmitLoad implements AutoCloseable {
    /** One answered submit: its status, and for a 200 the task and run it created. */
    record Answer(String name, int status, String taskId, String runId, String body) {}

    private final ChaosIngress ingress;
    private final String execute;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    private SubmitLoad(ChaosIngress ingress, String projectId, String resourceId) {
        this.ingress = ingress;
        this.execute = ChaosIngress.executePath(projectId, resourceId);
    }

    static SubmitLoad start(ChaosIngress ingress, String projectId, String resourceId, int clients) {
        SubmitLoad load = new SubmitLoad(ingress, projectId, resourceId);
        for (int i = 0; i < clients; i++) {
            load.threads.add(Thread.ofVirtual().name("submit-" + i).start(load::loop));
        }
        return load;
    }

    private void loop() {
        while (running.get()) {
            String name = "load-" + sequence.incrementAndGet();
            try {
                HttpResponse<String> response = ingress.json("POST", execute, ChaosIngress.executeBody(name, 0));
                if (response.statusCode() == 200) {
                    JsonNode task = ChaosIngress.tree(response);
                    answers.add(new Answer(name, 200, task.get("id").asText(),
                            task.get("individualTasks").get(0).get("id").asText(), response.body()));
                } else {
                    answers.add(new Answer(name, response.statusCode(), null, null, response.body()));
                }
            } catch (RuntimeException e) {
                // No answer at all (connection refused or reset): the client knows nothing was accepted.
                answers.add(new Answer(name, 0, null, null, e.toString()));
            }
        }
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    List<Answer> accepted() {
        return answers.stream().filter(a -> a.status() == 200).toList();
    }

    long count(int status) {
        return answers.stream().filter(a -> a.status() == status).count();
    }

    /** Answers counted by status (0: no answer). */
    Map<Integer, Long> byStatus() {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.forEach(a -> counts.merge(a.status(), 1L, Long::sum));
        return counts;
    }

    /** Stops the clients and waits for their last answers. */
    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
