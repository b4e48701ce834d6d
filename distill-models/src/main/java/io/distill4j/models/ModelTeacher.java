package io.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.Teacher;
import java.util.Arrays;
import java.util.List;

/**
 * A frozen model that owns its parameters: converted PyTorch weights, a TorchScript model, a
 * checkpoint, or a frozen copy of a trained student.
 *
 * <p>It runs in inference mode (batch normalization uses its running statistics, dropout is off),
 * with its parameters frozen again before every pass (DJL un-freezes loaded models when a trainer
 * is created), and returns outputs cut from the autograd graph; see {@link BlockTeacher}. {@link
 * #close()} frees the parameters.
 */
public final class ModelTeacher implements Teacher, DistillModel {

    private final Owned owned;
    private final BlockTeacher teacher;

    private ModelTeacher(Owned owned) {
        this.owned = owned;
        this.teacher =
                BlockTeacher.of(
                        owned.block, owned.descriptor.inputShape(), owned.descriptor.featureNames());
    }

    /**
     * Creates a teacher with random weights (for tests and benchmarks; a useful teacher is
     * trained or loaded).
     *
     * @param block an uninitialized block
     * @return the teacher
     */
    public static ModelTeacher create(NetworkBlock block) {
        return new ModelTeacher(Owned.fresh(block, "teacher"));
    }

    /**
     * Creates a frozen deep copy of a model (a student trained on clean faces, say); the model
     * itself stays trainable and may be closed.
     *
     * @param model the model
     * @return the teacher
     */
    public static ModelTeacher copyOf(DistillModel model) {
        return new ModelTeacher(Owned.copy(model, false, "teacher"));
    }

    /**
     * Wraps an initialized block whose parameters live in {@code manager} (for loaders); the block
     * is frozen from now on.
     *
     * @param block the initialized block, returning {@code [prediction, embedding, features...]}
     * @param manager the manager of its parameters
     * @param descriptor what the block is
     * @param resources what {@link #close()} closes, in order
     * @return the teacher
     */
    public static ModelTeacher of(
            Block block, NDManager manager, ModelDescriptor descriptor, AutoCloseable... resources) {
        return new ModelTeacher(new Owned(block, manager, descriptor, Arrays.asList(resources)));
    }

    /** {@inheritDoc} */
    @Override
    public ModelOutput predict(NDArray images) {
        return teacher.predict(images);
    }

    /** {@inheritDoc} */
    @Override
    public String getFingerprint() {
        return teacher.getFingerprint();
    }

    /** {@inheritDoc} */
    @Override
    public Block getBlock() {
        return owned.block;
    }

    /** {@inheritDoc} */
    @Override
    public NDManager getManager() {
        return owned.manager;
    }

    /** {@inheritDoc} */
    @Override
    public ModelDescriptor getDescriptor() {
        return owned.descriptor;
    }

    /** {@inheritDoc} */
    @Override
    public Shape getInputShape() {
        return owned.descriptor.inputShape();
    }

    /** {@inheritDoc} */
    @Override
    public List<String> getFeatureNames() {
        return owned.descriptor.featureNames();
    }

    /** Frees the teacher's parameters. */
    @Override
    public void close() {
        try {
            teacher.close();
        } finally {
            owned.close();
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ModelTeacher(" + owned.descriptor + ")";
    }
}
