/**
 * Training workflows on the worker: the workflow resource
 * ({@link io.trainyard.common.training.WorkflowSpec}, shared with the ingress, which validates it
 * at upload), the training program shipped in the jar ({@link io.trainyard.worker.internal.training.TrainerProgram}),
 * one sandboxed run of it ({@link io.trainyard.worker.internal.training.TrainerInvocation}) and what it
 * reported ({@link io.trainyard.worker.internal.training.TrainerReport}).
 *
 * <p>A WORKFLOW job runs like this: parse the workflow resource; resolve its dataset and script
 * with {@link io.trainyard.worker.internal.training.TrainerInputs#resolve}; prepare an invocation in the
 * run's directory; start its {@code command()} in the sandbox with its {@code readOnlyMounts()};
 * on each heartbeat read the events file for progress; at the end, a report that
 * {@code succeeded()} with exit code 0 gives the COMPLETED run's fields, anything else the FAILED
 * run's message. The program's contract (spec, events, exit codes, model file) is documented in
 * {@code docs/training.md}.
 */
package io.trainyard.worker.internal.training;
