package io.trainyard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady HTTP submit load of one-time tasks of the same script resource, each under a fresh
 * name, until stopped: either {@code clients} virtual threads that each submit again as soon as
 * their previous submit was answered ({@link #start}), or submits started at a fixed rate whatever
 * the answers take ({@link #atRate}), so a slow ingress meets as many submits as a quick one. Every
 * answer is kept, with how long it took, so a scenario can check what became of each 200.
 */
final class SubmitLoad implements AutoCloseable {
    /** One answered submit: its status, how long it took, and for a 200 the task and run it created. */
    record Answer(String name, int status, String taskId, String runId, String body, long millis) {}

    private final ChaosIngress ingress;
    private final String execute;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService submits = Executors.newVirtualThreadPerTaskExecutor();

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

    /** Starts {@code perSecond} submits a second, each on a virtual thread of its own. */
    static SubmitLoad atRate(ChaosIngress ingress, String projectId, String resourceId, int perSecond) {
        SubmitLoad load = new SubmitLoad(ingress, projectId, resourceId);
        load.threads.add(Thread.ofVirtual().name("submit-pacer").start(() -> load.pace(perSecond)));
        return load;
    }

    private void loop() {
        while (running.get()) {
            submit();
        }
    }

    private void pace(int perSecond) {
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        while (running.get()) {
            submits.execute(this::submit);
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void submit() {
        String name = "load-" + sequence.incrementAndGet();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = ingress.json("POST", execute, ChaosIngress.executeBody(name, 0));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (response.statusCode() == 200) {
                JsonNode task = ChaosIngress.tree(response);
                answers.add(new Answer(name, 200, task.get("id").asText(),
                        task.get("individualTasks").get(0).get("id").asText(), response.body(), millis));
            } else {
                answers.add(new Answer(name, response.statusCode(), null, null, response.body(), millis));
            }
        } catch (RuntimeException e) {
            // No answer at all (connection refused or reset): the client knows nothing was accepted.
            answers.add(new Answer(name, 0, null, null, e.toString(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
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

    /** The longest any submit took to be answered, in milliseconds. */
    long slowestMillis() {
        return answers.stream().mapToLong(Answer::millis).max().orElse(0);
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
        submits.close();
    }
}
