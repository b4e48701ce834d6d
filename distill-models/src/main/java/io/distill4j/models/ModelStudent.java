package io.distill4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.distill4j.core.Student;
import java.util.Arrays;
import java.util.List;

/**
 * A trainable model that owns its parameters: an architecture with random weights, a copy of a
 * teacher (the paper's starting point), converted PyTorch weights, a TorchScript model or a
 * checkpoint.
 *
 * <p>The student's manager holds its parameters and outlives any trainer (a {@link
 * io.distill4j.core.Distiller} also creates the strategies' adapters in it); {@link #close()}
 * frees them.
 *
 * <pre>{@code
 * try (ModelTeacher teacher = TorchWeights.loadTeacher(block, Path.of("resnet50.npz"));
 *         ModelStudent student = ModelStudent.copyOf(teacher)) {
 *     Distiller.builder().setTask(task).setStudent(student).optTeacher(teacher)...
 * }
 * }</pre>
 */
public final class ModelStudent implements Student, DistillModel {

    private final Owned owned;

    private ModelStudent(Owned owned) {
        this.owned = owned;
    }

    /**
     * Creates a student with random weights (drawn from the engine's random generator; set its
     * seed with {@code Engine.getInstance().setRandomSeed(...)} to repeat a run).
     *
     * @param block an uninitialized block
     * @return the student, owning a new manager
     * @throws IllegalArgumentException if the block is already initialized
     */
    public static ModelStudent create(NetworkBlock block) {
        return new ModelStudent(Owned.fresh(block, "student"));
    }

    /**
     * Creates a student with the architecture of a model (a teacher, usually) and a deep copy of
     * all its parameters, running statistics of batch normalization included, in the student's
     * own manager: before training it gives the model's outputs exactly, and training it never
     * changes the model. A TorchScript model is copied through its serialized module.
     *
     * <p>For a student of another architecture, build its block for the teacher's input shape
     * and task and call {@link #create}; hint losses then need an adapter between the two
     * models' features.
     *
     * @param model the model to copy
     * @return the student
     */
    public static ModelStudent copyOf(DistillModel model) {
        return new ModelStudent(Owned.copy(model, true, "student"));
    }

    /**
     * Creates a student of another architecture for a teacher: the builder gets the teacher's
     * input shape and task, and the student random weights. Hint losses between the two need an
     * adapter, since their features differ.
     *
     * @param teacher the teacher
     * @param builder a builder whose input shape and task are not set yet
     * @return the student
     */
    public static ModelStudent forTeacher(DistillModel teacher, NetworkBuilder<?> builder) {
        return create(
                builder.setInputShape(teacher.getInputShape())
                        .setTask(teacher.getDescriptor().task())
                        .build());
    }

    /**
     * Wraps an initialized block whose parameters live in {@code manager} (for loaders).
     *
     * @param block the initialized block, returning {@code [prediction, embedding, features...]}
     * @param manager the manager of its parameters
     * @param descriptor what the block is
     * @param resources what {@link #close()} closes, in order (the manager, or the DJL model
     *     that owns it)
     * @return the student
     */
    public static ModelStudent of(
            Block block, NDManager manager, ModelDescriptor descriptor, AutoCloseable... resources) {
        return new ModelStudent(new Owned(block, manager, descriptor, Arrays.asList(resources)));
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

    /** Frees the student's parameters (and adapters created in its manager). */
    @Override
    public void close() {
        owned.close();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ModelStudent(" + owned.descriptor + ")";
    }
}
