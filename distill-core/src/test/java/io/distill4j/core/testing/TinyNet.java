package io.distill4j.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A tiny CNN in the teacher/student layout: conv(3x3) - batch norm - ReLU (feature {@code conv})
 * - average pooling of the upper and lower halves - linear - ReLU (the embedding) - linear (the
 * prediction).
 */
public final class TinyNet extends AbstractBlock {

    /** The name of the one feature this network returns. */
    public static final List<String> FEATURES = List.of("conv");

    private final Conv2d conv;
    private final BatchNorm norm;
    private final Linear embedding;
    private final Linear head;

    /**
     * Creates the network.
     *
     * @param filters the number of convolution filters (the feature's channels)
     * @param embeddingSize the embedding size
     * @param outputs the prediction size
     */
    public TinyNet(int filters, int embeddingSize, int outputs) {
        super((byte) 1);
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters(filters)
                                .build());
        norm = addChildBlock("norm", BatchNorm.builder().build());
        embedding = addChildBlock("embedding", Linear.builder().setUnits(embeddingSize).build());
        head = addChildBlock("head", Linear.builder().setUnits(outputs).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray feature = conv.forward(ps, inputs, training).singletonOrThrow();
        feature = Activation.relu(norm.forward(ps, new NDList(feature), training).head());
        // Average each half (upper, lower) separately: the classes differ by where the light is.
        long batch = feature.getShape().get(0);
        long channels = feature.getShape().get(1);
        NDArray pooled =
                feature.reshape(batch, channels, 2, -1).mean(new int[] {3}).reshape(batch, -1);
        NDArray emb =
                Activation.relu(embedding.forward(ps, new NDList(pooled), training).head());
        NDArray prediction = head.forward(ps, new NDList(emb), training).head();
        return new NDList(prediction, emb, feature);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape convOut = conv.getOutputShapes(inputShapes)[0];
        long batch = inputShapes[0].get(0);
        Shape emb = new Shape(batch, embedding.getOutputShapes(new Shape[] {new Shape(batch, 1)})[0].get(1));
        Shape pred = head.getOutputShapes(new Shape[] {emb})[0];
        return new Shape[] {pred, emb, convOut};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        conv.initialize(manager, dataType, inputs);
        Shape convOut = conv.getOutputShapes(inputs)[0];
        norm.initialize(manager, dataType, convOut);
        Shape pooled = new Shape(convOut.get(0), convOut.get(1) * 2);
        embedding.initialize(manager, dataType, pooled);
        head.initialize(manager, dataType, embedding.getOutputShapes(new Shape[] {pooled}));
    }
}
