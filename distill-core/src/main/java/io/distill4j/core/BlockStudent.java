package io.distill4j.core;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Student} made of any DJL block that returns {@code [prediction, embedding,
 * features...]}.
 *
 * <p>The student owns a manager (closed by {@link #close()}). A block whose parameters are already
 * set (copied from a teacher, or loaded) keeps them where they are; an uninitialized block is
 * initialized in the student's manager by {@link #initialize()}, which the {@link Distiller} calls
 * after seeding the engine, so that a seeded run starts from the same weights.
 */
public final class BlockStudent implements Student, AutoCloseable {

    private final Block block;
    private final NDManager manager;
    private final Shape inputShape;
    private final List<String> featureNames;

    private BlockStudent(Block block, NDManager manager, Shape inputShape, List<String> names) {
        this.block = block;
        this.manager = manager;
        this.inputShape = inputShape;
        this.featureNames = List.copyOf(names);
    }

    /**
     * Creates a student.
     *
     * @param block the block
     * @param inputShape the per-image input shape {@code (C, H, W)}
     * @param featureNames the names of the features the block returns after the embedding
     * @return the student, owning a new manager
     */
    public static BlockStudent of(Block block, Shape inputShape, List<String> featureNames) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(featureNames, "featureNames");
        NDManager manager = NDManager.newBaseManager();
        manager.setName("student");
        return new BlockStudent(block, manager, inputShape, featureNames);
    }

    /**
     * Initializes the block's parameters in the student's manager, if it has none yet.
     *
     * @return this student
     */
    public BlockStudent initialize() {
        initialize(this);
        return this;
    }

    /**
     * Initializes any student's block in the student's manager, if it has no parameters yet.
     *
     * @param student the student
     */
    static void initialize(Student student) {
        if (!student.getBlock().isInitialized()) {
            student.getBlock()
                    .initialize(
                            student.getManager(),
                            DataType.FLOAT32,
                            new Shape(1).addAll(student.getInputShape()));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Block getBlock() {
        return block;
    }

    /** {@inheritDoc} */
    @Override
    public NDManager getManager() {
        return manager;
    }

    /** {@inheritDoc} */
    @Override
    public Shape getInputShape() {
        return inputShape;
    }

    /** {@inheritDoc} */
    @Override
    public List<String> getFeatureNames() {
        return featureNames;
    }

    /** Closes the manager that owns the parameters initialized by this student. */
    @Override
    public void close() {
        manager.close();
    }
}
