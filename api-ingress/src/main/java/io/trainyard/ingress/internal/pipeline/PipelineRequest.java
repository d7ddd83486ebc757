package io.trainyard.ingress.internal.pipeline;

import io.trainyard.common.pipeline.FailurePolicy;

/** A checked pipeline document, in any dialect. */
public record PipelineRequest(String tenant, String dialect, String name, FailurePolicy failurePolicy,
                              PipelineGraph graph, String createdBy) {}
