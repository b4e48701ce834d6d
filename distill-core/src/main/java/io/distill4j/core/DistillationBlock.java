package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The block a {@link Distiller} trains: the student plus the strategies' trainable adapters, so
 * that the optimizer updates both and zeroes both gradients. Its output is the student's {@link
 * ModelOutput} list, with each adapted feature appended (adapters run only when training).
 */
final class DistillationBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block student;
    private final List<String> featureNames;
    private final List<FeatureAdapter> adapters;

    DistillationBlock(Student student, List<FeatureAdapter> adapters) {
        super(VERSION);
        this.student = addChildBlock("student", student.getBlock());
        this.featureNames = student.getFeatureNames();
        this.adapters = List.copyOf(adapters);
        for (int i = 0; i < this.adapters.size(); i++) {
            addChildBlock("adapter" + i, this.adapters.get(i).block());
        }
    }

    /**
     * Runs the student and, when training, the adapters.
     *
     * @param parameterStore the parameter store
     * @param inputs the images
     * @param training whether this is a training pass
     * @return the student's output, adapted features included when training
     */
    ModelOutput forwardOutput(ParameterStore parameterStore, NDList inputs, boolean training) {
        NDList out = student.forward(parameterStore, inputs, training, null);
        ModelOutput output = ModelOutput.fromNDList(out, featureNames);
        if (training) {
            for (FeatureAdapter adapter : adapters) {
                NDArray adapted =
                        adapter.block()
                                .forward(
                                        parameterStore,
                                        new NDList(output.getFeature(adapter.studentFeature())),
                                        true,
                                        null)
                                .singletonOrThrow();
                output = output.withFeature(adapter.outputName(), adapted);
            }
        }
        return output;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        return forwardOutput(parameterStore, inputs, training).toNDList();
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return student.getOutputShapes(inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        // The student and the adapters are initialized before the trainer is built (in the
        // student's manager, so they outlive the trainer); nothing is left to do here.
        if (!student.isInitialized()) {
            student.initialize(manager, dataType, inputShapes);
        }
    }
}
