package io.distill4j.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distill4j.core.Checks;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A loaded TorchScript module as a block returning {@code [prediction, embedding,
 * features...]}: the module's outputs (a tuple is flattened by DJL) are passed through in order,
 * and a module that returns only its logits gets them as its embedding too.
 *
 * <p>Created by {@link TorchScriptModel}; the DJL model that owns the module is owned by the
 * student or teacher that wraps this block. Inputs other than {@code (B, C, H, W)} of the declared
 * shape are refused in Java, before the native call.
 */
public final class TorchScriptBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block module;
    private final Shape inputShape;
    private final List<String> featureNames;
    private final boolean logitsOnly;
    private final Shape[] perImageShapes;

    TorchScriptBlock(
            Block module,
            Shape inputShape,
            List<String> featureNames,
            boolean logitsOnly,
            Shape[] perImageShapes) {
        super(VERSION);
        this.module = addChildBlock("module", module);
        this.inputShape = inputShape;
        this.featureNames = List.copyOf(featureNames);
        this.logitsOnly = logitsOnly;
        this.perImageShapes = perImageShapes.clone();
    }

    /**
     * Returns whether the module returns only logits (the embedding is then the logits, and there
     * are no features).
     *
     * @return true for a logits-only module
     */
    public boolean isLogitsOnly() {
        return logitsOnly;
    }

    /**
     * Returns the per-image input shape {@code (C, H, W)}.
     *
     * @return the shape
     */
    public Shape getInputShape() {
        return inputShape;
    }

    /**
     * Returns the names of the features the module returns after its embedding.
     *
     * @return the names
     */
    public List<String> getFeatureNames() {
        return featureNames;
    }

    /**
     * Writes the module, with its current parameters and buffers, as a TorchScript file that
     * {@code torch.jit.load} (and {@link TorchScriptModel}) can read.
     *
     * @param out the stream
     * @throws IOException if the stream fails
     */
    public void writeModule(OutputStream out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        module.saveParameters(new DataOutputStream(bytes));
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        // DJL's PtSymbolBlock writes: its version byte, the length (big-endian long), the archive.
        if (buffer.remaining() < 13) {
            throw new IOException("the PyTorch engine wrote no TorchScript archive");
        }
        buffer.get();
        long length = buffer.getLong();
        int start = buffer.position();
        byte[] array = buffer.array();
        if (length != buffer.remaining() || array[start] != 'P' || array[start + 1] != 'K') {
            throw new IOException(
                    Checks.format(
                            "the PyTorch engine wrote an unexpected module layout (%d bytes, length"
                                    + " field %d)",
                            array.length, length));
        }
        out.write(array, start, (int) length);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(
                    Checks.format("a TorchScript model takes one array of images, was given %d",
                            inputs.size()));
        }
        checkInput(inputs.get(0).getShape());
        NDList out = module.forward(parameterStore, inputs, training, params);
        int expected = logitsOnly ? 1 : 2 + featureNames.size();
        if (out.size() != expected) {
            throw new IllegalStateException(
                    Checks.format(
                            "the TorchScript model returned %d arrays, %d expected",
                            out.size(), expected));
        }
        if (logitsOnly) {
            return new NDList(out.get(0), out.get(0));
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInput(inputShapes[0]);
        long batch = inputShapes[0].get(0);
        Shape[] shapes = new Shape[perImageShapes.length];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = new Shape(batch).addAll(perImageShapes[i]);
        }
        return shapes;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        module.initialize(manager, dataType, inputShapes);
    }

    private void checkInput(Shape shape) {
        if (shape.dimension() != 4 || !shape.slice(1).equals(inputShape)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "the TorchScript model expects images (B, %d, %d, %d), was %s",
                            inputShape.get(0),
                            inputShape.get(1),
                            inputShape.get(2),
                            Checks.shape(shape)));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "TorchScriptBlock(input %s, outputs %s)",
                InputShapes.format(inputShape), Arrays.toString(perImageShapes));
    }
}
