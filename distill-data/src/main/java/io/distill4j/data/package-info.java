/**
 * Face data for teacher-student training under occlusion: the adapters' common types ({@link
 * io.distill4j.data.FaceDataSource}, {@link io.distill4j.data.FaceSplit}, {@link
 * io.distill4j.data.FaceImage}), the paired-view DJL dataset ({@link
 * io.distill4j.data.PairedViewDataset}) with its seeded and class-balanced samplers, and the {@code
 * stats} and {@code show} tools ({@link io.distill4j.data.DatasetStats}, {@link
 * io.distill4j.data.PairGrid}).
 *
 * <p>Every record of a {@link io.distill4j.data.PairedViewDataset} follows {@link
 * io.distill4j.core.BatchLayout}: data {@code [clean, occluded]}, labels {@code [target, index,
 * augmentation]}. Adapters live in the subpackages {@code fer}, {@code affectnet}, {@code utkface}
 * and {@code synthetic}; occlusions in {@code occlusion}.
 *
 * <p>The public API of this package takes and returns no {@code null}s: absent values are {@link
 * java.util.Optional}s.
 */
package io.distill4j.data;
