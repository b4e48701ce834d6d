/**
 * The paper's architectures as DJL blocks, PyTorch (TorchScript) teachers and students, converted
 * weights, model specs and summaries.
 *
 * <p>Every model here is a block whose forward pass returns {@code [prediction, embedding,
 * features...]} (see {@link io.distill4j.core.ModelOutput}): build one by name through {@link
 * io.distill4j.models.Architectures} or with a typed builder ({@link io.distill4j.models.ResNet},
 * {@link io.distill4j.models.VggFace}, {@link io.distill4j.models.VggF}, {@link
 * io.distill4j.models.SmallCnn}); turn it into a trainable {@link io.distill4j.models.ModelStudent}
 * or a frozen {@link io.distill4j.models.ModelTeacher}; load a PyTorch model with {@link
 * io.distill4j.models.TorchScriptModel} or torchvision-named weights with {@link
 * io.distill4j.models.TorchWeights}. Checkpoints live in {@code io.distill4j.models.checkpoint}.
 *
 * <p>No method accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 */
package io.distill4j.models;
