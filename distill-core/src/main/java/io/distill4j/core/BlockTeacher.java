package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Teacher} made of an initialized DJL block that returns {@code [prediction, embedding,
 * features...]}.
 *
 * <p>The block's parameters are frozen, and frozen again before every pass: DJL un-freezes a
 * loaded model when a trainer is created on it, so a freeze done once does not last. The forward
 * pass runs with {@code training = false} and its outputs are detached. The teacher does not own
 * the block; whoever created it closes it.
 */
public final class BlockTeacher implements Teacher, AutoCloseable {

    private final Block block;
    private final Shape inputShape;
    private final List<String> featureNames;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private volatile String fingerprint;

    private BlockTeacher(Block block, Shape inputShape, List<String> featureNames) {
        this.block = block;
        this.inputShape = inputShape;
        this.featureNames = List.copyOf(featureNames);
        this.manager = NDManager.newBaseManager();
        manager.setName("teacher");
        this.parameterStore = new ParameterStore(manager, false);
        freeze();
    }

    /**
     * Creates a teacher from an initialized block.
     *
     * @param block the block, with its trained parameters
     * @param inputShape the per-image input shape {@code (C, H, W)}
     * @param featureNames the names of the features the block returns after the embedding
     * @return the teacher
     * @throws IllegalArgumentException if the block has no parameters yet
     */
    public static BlockTeacher of(Block block, Shape inputShape, List<String> featureNames) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(featureNames, "featureNames");
        if (!block.isInitialized()) {
            throw new IllegalArgumentException(
                    "a teacher block must hold trained parameters, but it is not initialized");
        }
        return new BlockTeacher(block, inputShape, featureNames);
    }

    /**
     * Creates a teacher that shares a trained student's block (after teacher training, say). The
     * block is frozen from then on.
     *
     * @param student the trained student
     * @return the teacher
     */
    public static BlockTeacher of(Student student) {
        return of(student.getBlock(), student.getInputShape(), student.getFeatureNames());
    }

    /** {@inheritDoc} */
    @Override
    public ModelOutput predict(NDArray images) {
        freeze();
        NDList outputs = block.forward(parameterStore, new NDList(images), false);
        return ModelOutput.fromNDList(outputs, featureNames).stopGradient();
    }

    /**
     * Returns the teacher's block.
     *
     * @return the block
     */
    public Block getBlock() {
        return block;
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

    /**
     * Returns the SHA-256 of the parameter names, shapes and values, computed once.
     *
     * @return the hexadecimal digest
     */
    @Override
    public String getFingerprint() {
        String result = fingerprint;
        if (result == null) {
            result = parameterDigest(block);
            fingerprint = result;
        }
        return result;
    }

    /**
     * Computes the SHA-256 of a block's parameter names, shapes and values.
     *
     * @param block the block
     * @return the hexadecimal digest
     */
    public static String parameterDigest(Block block) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Pair<String, Parameter> pair : block.getParameters()) {
                NDArray array = pair.getValue().getArray();
                digest.update(pair.getKey().getBytes(StandardCharsets.UTF_8));
                digest.update(array.getShape().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(array.toByteArray());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private void freeze() {
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            if (parameter.requiresGradient()) {
                parameter.freeze(true);
            }
        }
    }

    /** Closes the teacher's own manager (not the block). */
    @Override
    public void close() {
        manager.close();
    }
}
