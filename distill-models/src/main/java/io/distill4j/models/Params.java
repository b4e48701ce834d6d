package io.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import io.distill4j.core.Checks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parameter bookkeeping shared by the factories: counting, shape templates, deep copies. */
final class Params {

    /** Allocates without filling (the values are never read): shapes and counts only. */
    static final Initializer UNFILLED = (manager, shape, dataType) -> manager.create(shape, dataType);

    private Params() {}

    /**
     * Counts the learnable values, as PyTorch's {@code sum(p.numel() for p in
     * model.parameters())}: batch normalization's running statistics are buffers, not parameters.
     */
    static long count(Block block) {
        long total = 0;
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter p = pair.getValue();
            if (p.getType() != Parameter.Type.RUNNING_MEAN
                    && p.getType() != Parameter.Type.RUNNING_VAR) {
                total += p.getArray().getShape().size();
            }
        }
        return total;
    }

    /** Initializes a block for one input shape (a batch of 1) without filling its parameters. */
    static void initializeUnfilled(Block block, NDManager manager, Shape inputShape) {
        block.setInitializer(UNFILLED, p -> true);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
    }

    /** Returns the parameter shapes of an initialized block, by DJL name, in order. */
    static Map<String, Shape> shapes(Block block) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            shapes.put(pair.getKey(), pair.getValue().getArray().getShape());
        }
        return shapes;
    }

    /**
     * Gives a never-initialized block a detached copy of every parameter of an initialized block
     * of the same structure (running statistics included), in {@code manager}, then initializes it
     * for {@code inputShape} (which keeps the copies and marks the trainable ones for gradients).
     */
    static void copyInto(Block source, Block target, NDManager manager, Shape inputShape) {
        ParameterList from = source.getParameters();
        ParameterList to = target.getParameters();
        checkSameNames(from.keys(), to.keys());
        for (int i = 0; i < from.size(); i++) {
            NDArray original = from.valueAt(i).getArray();
            NDArray detached = original.stopGradient();
            NDArray copy = detached.duplicate();
            detached.close();
            copy.attach(manager);
            to.valueAt(i).setArray(copy);
        }
        target.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
    }

    static void checkSameNames(List<String> from, List<String> to) {
        if (!from.equals(to)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "the blocks have different parameters: %d named %s... and %d named"
                                    + " %s...",
                            from.size(),
                            from.subList(0, Math.min(3, from.size())),
                            to.size(),
                            to.subList(0, Math.min(3, to.size()))));
        }
    }
}
