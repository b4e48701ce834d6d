package io.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One of this module's architectures as a DJL block: its forward pass returns {@code [prediction,
 * embedding, feature_1, ..., feature_k]}, the layout of {@link io.distill4j.core.ModelOutput}.
 *
 * <p>The block is a chain of named layers (named as in the PyTorch model it mirrors, so that
 * converted weights fit, see {@link TorchWeights}); the input normalization of its {@link
 * ModelDescriptor} is applied first; the embedding and the features are the outputs of chosen
 * layers of the chain. It accepts only batches of its own input shape {@code (B, C, H, W)} and
 * refuses any other with both shapes named, before any native call.
 *
 * <p>Blocks are built by {@link Architectures} or the typed builders ({@link ResNet}, {@link
 * VggFace}, {@link VggF}, {@link SmallCnn}), uninitialized: give one to {@link
 * ModelStudent#create} or {@link ModelTeacher#create} (random weights), to {@link TorchWeights}
 * (converted weights), or load a checkpoint.
 */
public final class NetworkBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelDescriptor descriptor;
    private final List<String> nodeNames;
    private final List<Block> nodes;
    private final int embeddingNode;
    private final int[] featureNodes;
    private final Map<String, String> torchAliases;
    private final Shape minimumInputShape;

    private NetworkBlock(Assembly assembly, ModelDescriptor descriptor, Shape minimumInputShape) {
        super(VERSION);
        this.descriptor = descriptor;
        this.minimumInputShape = minimumInputShape;
        this.nodeNames = List.copyOf(assembly.names);
        this.nodes = new ArrayList<>();
        for (int i = 0; i < assembly.blocks.size(); i++) {
            nodes.add(addChildBlock(assembly.names.get(i), assembly.blocks.get(i)));
        }
        if (assembly.embedding < 0) {
            throw new IllegalStateException("the architecture tapped no embedding");
        }
        this.embeddingNode = assembly.embedding;
        List<String> features = descriptor.featureNames();
        this.featureNodes = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            Integer node = assembly.features.get(features.get(i));
            if (node == null) {
                throw new IllegalStateException("no layer tapped for feature " + features.get(i));
            }
            featureNodes[i] = node;
        }
        this.torchAliases = Map.copyOf(assembly.aliases);
    }

    /**
     * Returns what this block was built from: architecture, input shape, task, normalization,
     * options and feature names.
     *
     * @return the descriptor
     */
    public ModelDescriptor getDescriptor() {
        return descriptor;
    }

    /**
     * Returns the architecture name.
     *
     * @return the name, as in {@link Architectures#names()}
     */
    public String getArchitecture() {
        return descriptor.architecture();
    }

    /**
     * Returns the per-image input shape {@code (C, H, W)}.
     *
     * @return the shape
     */
    public Shape getInputShape() {
        return descriptor.inputShape();
    }

    /**
     * Returns the names of the features the forward pass returns after the embedding, in order.
     *
     * @return the names
     */
    public List<String> getFeatureNames() {
        return descriptor.featureNames();
    }

    /**
     * Returns the smallest input shape this architecture (with these options) accepts.
     *
     * @return the shape {@code (C, H, W)}
     */
    public Shape getMinimumInputShape() {
        return minimumInputShape;
    }

    /**
     * Returns the output shapes, feature names and parameter count of this block for its input
     * shape.
     *
     * @return the spec
     */
    public ModelSpec getSpec() {
        return ModelSpec.of(this);
    }

    /**
     * Returns the block's parameters under the names PyTorch gives them in the mirrored model
     * ({@code layer1.0.conv1.weight}, {@code bn1.running_mean}, {@code fc.bias}, ...), in the
     * order of {@link #getParameters()}. Running statistics of batch normalization are included.
     *
     * @return the parameters by PyTorch name
     */
    public Map<String, Parameter> getTorchParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", this, out);
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns other PyTorch names accepted for this block's parameters (torchvision's {@code
     * features.0.weight} for VGG-16's {@code conv1_1.weight}, for example), mapped to the names of
     * {@link #getTorchParameters()}.
     *
     * @return the aliases, possibly empty
     */
    public Map<String, String> getTorchAliases() {
        return torchAliases;
    }

    List<String> nodeNames() {
        return nodeNames;
    }

    List<Block> nodes() {
        return nodes;
    }

    int embeddingNode() {
        return embeddingNode;
    }

    int[] featureNodes() {
        return featureNodes.clone();
    }

    private static void collect(String prefix, Block block, Map<String, Parameter> out) {
        for (Pair<String, Parameter> pair : block.getDirectParameters()) {
            out.put(prefix + torchParameterName(pair.getKey()), pair.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            // AbstractBlock names children "%02d<name>"; drop the two-digit position.
            collect(prefix + child.getKey().substring(2) + ".", child.getValue(), out);
        }
    }

    private static String torchParameterName(String djlName) {
        switch (djlName) {
            case "gamma":
                return "weight";
            case "beta":
                return "bias";
            case "runningMean":
                return "running_mean";
            case "runningVar":
                return "running_var";
            default:
                return djlName;
        }
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
                    Checks.format(
                            "%s takes one array of images, was given %d",
                            getArchitecture(), inputs.size()));
        }
        NDArray images = inputs.get(0);
        checkInput(images.getShape());
        NDArray x = descriptor.normalization().apply(images);
        NDArray[] outputs = new NDArray[nodes.size()];
        boolean[] returned = new boolean[nodes.size()];
        returned[nodes.size() - 1] = true;
        returned[embeddingNode] = true;
        for (int node : featureNodes) {
            returned[node] = true;
        }
        for (int i = 0; i < nodes.size(); i++) {
            NDArray in = x;
            x = nodes.get(i).forward(parameterStore, new NDList(in), training, params).singletonOrThrow();
            outputs[i] = x;
            if (in != images && !isReturned(in, outputs, returned, i)) {
                Layers.release(in, x);
            }
        }
        NDList result = new NDList(2 + featureNodes.length);
        result.add(x);
        result.add(outputs[embeddingNode]);
        for (int node : featureNodes) {
            result.add(outputs[node]);
        }
        return result;
    }

    /** Whether {@code array} is one of the outputs returned so far (a layer may hand its input back). */
    private static boolean isReturned(NDArray array, NDArray[] outputs, boolean[] returned, int upTo) {
        for (int j = 0; j < upTo; j++) {
            if (returned[j] && outputs[j] == array) {
                return true;
            }
        }
        return false;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s takes one array of images, was given %d shapes",
                            getArchitecture(), inputShapes.length));
        }
        checkInput(inputShapes[0]);
        Shape[] all = nodeShapes(inputShapes[0]);
        Shape[] result = new Shape[2 + featureNodes.length];
        result[0] = all[all.length - 1];
        result[1] = all[embeddingNode];
        for (int i = 0; i < featureNodes.length; i++) {
            result[2 + i] = all[featureNodes[i]];
        }
        return result;
    }

    /**
     * Returns the output shape of every layer of the chain, for an input {@code (B, C, H, W)}.
     *
     * @param input the batch shape
     * @return one shape per layer
     */
    Shape[] nodeShapes(Shape input) {
        Shape[] shapes = new Shape[nodes.size()];
        Shape shape = input;
        for (int i = 0; i < nodes.size(); i++) {
            shape = nodes.get(i).getOutputShapes(new Shape[] {shape})[0];
            shapes[i] = shape;
        }
        return shapes;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (Block node : nodes) {
            node.initialize(manager, dataType, shape);
            shape = node.getOutputShapes(new Shape[] {shape})[0];
        }
    }

    private void checkInput(Shape shape) {
        Shape expected = descriptor.inputShape();
        if (shape.dimension() != 4 || !shape.slice(1).equals(expected)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s expects images (B, %d, %d, %d), was %s",
                            getArchitecture(),
                            expected.get(0),
                            expected.get(1),
                            expected.get(2),
                            Checks.shape(shape)));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "NetworkBlock(" + descriptor + ")";
    }

    /** Collects the named layers of an architecture and where its outputs are tapped. */
    static final class Assembly {

        private final List<String> names = new ArrayList<>();
        private final List<Block> blocks = new ArrayList<>();
        private final Map<String, Integer> features = new LinkedHashMap<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();
        private int embedding = -1;

        Assembly add(String name, Block block) {
            Objects.requireNonNull(block, "block");
            if (names.contains(name)) {
                throw new IllegalStateException("duplicate layer name " + name);
            }
            if (names.size() >= 98) {
                throw new IllegalStateException("too many layers for two-digit child names");
            }
            names.add(name);
            blocks.add(block);
            return this;
        }

        /** Taps the last added layer as the embedding. */
        Assembly embedding() {
            embedding = blocks.size() - 1;
            return this;
        }

        /** Taps the last added layer as a feature. */
        Assembly feature(String featureName) {
            features.put(featureName, blocks.size() - 1);
            return this;
        }

        /** Accepts another PyTorch name for a parameter. */
        Assembly alias(String alias, String canonical) {
            aliases.put(alias, canonical);
            return this;
        }

        NetworkBlock build(ModelDescriptor descriptor, Shape minimumInputShape) {
            return new NetworkBlock(this, descriptor, minimumInputShape);
        }
    }
}
