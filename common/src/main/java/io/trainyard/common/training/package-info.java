/**
 * The training contracts the ingress and the worker share: the workflow resource
 * ({@link io.trainyard.common.training.WorkflowSpec}, validated the same way at upload and at run
 * time), the candidate algorithms and scorings ({@link io.trainyard.common.training.TrainingCatalog})
 * and a WORKFLOW task's MLW properties ({@link io.trainyard.common.training.TaskProperties}).
 */
package io.trainyard.common.training;
