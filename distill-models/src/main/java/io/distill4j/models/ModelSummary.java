package io.distill4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.Pair;
import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A table of an architecture for an input shape: its layers with their output shapes and
 * parameter counts, the embedding size, the feature names and shapes, and the total parameter
 * count (what {@code distill model-info} prints).
 *
 * <pre>{@code
 * String text = ModelSummary.of("resnet50", InputShapes.parse("3x224x224"), 1000).render();
 * // ... a line "parameters: 25557032"
 * }</pre>
 *
 * <p>Parameters are allocated (never filled) to be counted and freed at once; nothing is trained
 * or run.
 */
public final class ModelSummary {

    private final ModelSpec spec;
    private final Shape minimumInputShape;
    private final List<Row> rows;

    private ModelSummary(ModelSpec spec, Shape minimumInputShape, List<Row> rows) {
        this.spec = spec;
        this.minimumInputShape = minimumInputShape;
        this.rows = List.copyOf(rows);
    }

    /**
     * One layer of the table.
     *
     * @param name the layer's name ({@code layer1.0} for a unit inside a stage)
     * @param depth 0 for the main chain, 1 inside a stage
     * @param type a one-line description ({@code Conv2d 64, 7x7/2, pad 3, no bias})
     * @param outputShape the per-image output shape
     * @param parameters the number of learnable values in the layer
     * @param output what the layer's output is tapped as ({@code embedding}, {@code feature
     *     stage1}, {@code prediction}), or empty
     */
    public record Row(
            String name, int depth, String type, Shape outputShape, long parameters, String output) {

        /**
         * Validates the components.
         *
         * @param name the name
         * @param depth the depth
         * @param type the description
         * @param outputShape the output shape
         * @param parameters the parameter count
         * @param output the tap, or empty
         */
        public Row {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(outputShape, "outputShape");
            Objects.requireNonNull(output, "output");
        }
    }

    /**
     * Summarizes an architecture by name for an input shape and a number of classes.
     *
     * @param architecture the architecture name, as in {@link Architectures#names()}
     * @param inputShape the per-image input shape {@code (C, H, W)}
     * @param numClasses the number of classes (at least 2), or 1 for one regression output
     * @return the summary
     * @throws IllegalArgumentException if the name is unknown, the input too small or the number
     *     of classes below 1
     */
    public static ModelSummary of(String architecture, Shape inputShape, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "numClasses must be >= 2, or 1 for a regression output, was %d",
                            numClasses));
        }
        Task task = numClasses == 1 ? Task.regression() : Task.classification(numClasses);
        return of(architecture, inputShape, task);
    }

    /**
     * Summarizes an architecture by name for an input shape and a task.
     *
     * @param architecture the architecture name
     * @param inputShape the per-image input shape {@code (C, H, W)}
     * @param task the task
     * @return the summary
     */
    public static ModelSummary of(String architecture, Shape inputShape, Task task) {
        return of(
                Architectures.builder(architecture)
                        .setInputShape(inputShape)
                        .setTask(task)
                        .build());
    }

    /**
     * Summarizes a block (initialized or not).
     *
     * @param block the block
     * @return the summary
     */
    public static ModelSummary of(NetworkBlock block) {
        NetworkBlock copy = Architectures.build(block.getDescriptor());
        try (NDManager manager = NDManager.newBaseManager()) {
            Params.initializeUnfilled(copy, manager, copy.getInputShape());
            ModelSpec spec = ModelSpec.of(copy);
            return new ModelSummary(spec, copy.getMinimumInputShape(), rows(copy));
        }
    }

    private static List<Row> rows(NetworkBlock block) {
        List<Row> rows = new ArrayList<>();
        List<String> names = block.nodeNames();
        List<Block> nodes = block.nodes();
        Shape input = new Shape(1).addAll(block.getInputShape());
        Shape[] shapes = block.nodeShapes(input);
        String[] taps = new String[nodes.size()];
        taps[nodes.size() - 1] = "prediction";
        taps[block.embeddingNode()] = "embedding";
        int[] features = block.featureNodes();
        List<String> featureNames = block.getFeatureNames();
        for (int i = 0; i < features.length; i++) {
            String tap = "feature " + featureNames.get(i);
            int node = features[i];
            taps[node] = taps[node] == null ? tap : taps[node] + ", " + tap;
        }
        Shape in = input;
        for (int i = 0; i < nodes.size(); i++) {
            Block node = nodes.get(i);
            rows.add(
                    new Row(
                            names.get(i),
                            0,
                            describe(node, shapes[i]),
                            shapes[i].slice(1),
                            Params.count(node),
                            taps[i] == null ? "" : taps[i]));
            if (node instanceof Layers.Sequence && names.get(i).startsWith("layer")) {
                Shape[] sub = new Shape[] {in};
                for (Pair<String, Block> child : node.getChildren()) {
                    sub = child.getValue().getOutputShapes(sub);
                    rows.add(
                            new Row(
                                    names.get(i) + "." + child.getKey().substring(2),
                                    1,
                                    describe(child.getValue(), sub[0]),
                                    sub[0].slice(1),
                                    Params.count(child.getValue()),
                                    ""));
                }
            }
            in = shapes[i];
        }
        return rows;
    }

    private static String describe(Block block, Shape output) {
        if (block instanceof Layers.Described) {
            return ((Layers.Described) block).describe();
        }
        if (block instanceof Convolution) {
            Convolution conv = (Convolution) block;
            Shape k = conv.getKernelShape();
            return Checks.format(
                    "Conv2d %d, %dx%d/%d%s%s",
                    conv.getFilters(),
                    k.get(0),
                    k.get(1),
                    conv.getStride().get(0),
                    conv.getPadding().get(0) > 0 ? ", pad " + conv.getPadding().get(0) : "",
                    conv.isIncludeBias() ? "" : ", no bias");
        }
        if (block instanceof BatchNorm) {
            return "BatchNorm";
        }
        if (block instanceof Linear) {
            return "Linear " + output.get(output.dimension() - 1);
        }
        if (block instanceof Dropout) {
            return "Dropout";
        }
        return block.getClass().getSimpleName();
    }

    /**
     * Returns the spec: output shapes, feature names and parameter count.
     *
     * @return the spec
     */
    public ModelSpec getSpec() {
        return spec;
    }

    /**
     * Returns the number of learnable values.
     *
     * @return the count
     */
    public long getParameterCount() {
        return spec.parameterCount();
    }

    /**
     * Returns the rows of the table, in forward order.
     *
     * @return the rows
     */
    public List<Row> getRows() {
        return rows;
    }

    /**
     * Returns the smallest input shape the architecture accepts with these options.
     *
     * @return the shape {@code (C, H, W)}
     */
    public Shape getMinimumInputShape() {
        return minimumInputShape;
    }

    /**
     * Renders the summary as text: a header, the table, then the lines {@code prediction: ...},
     * {@code embedding: ...}, {@code features: ...}, {@code smallest input: ...} and {@code
     * parameters: N}.
     *
     * @return the text, lines ended by {@code \n}
     */
    public String render() {
        ModelDescriptor d = spec.descriptor();
        StringBuilder sb = new StringBuilder();
        sb.append("model: ").append(d.architecture()).append('\n');
        sb.append("input: ").append(InputShapes.format(d.inputShape())).append('\n');
        sb.append("task: ").append(d.task()).append('\n');
        sb.append("normalization: ").append(d.normalization()).append('\n');
        if (!d.options().isEmpty()) {
            sb.append("options: ").append(d.options()).append('\n');
        }
        sb.append('\n');
        String[] header = {"layer", "type", "output shape", "parameters", "output"};
        List<String[]> cells = new ArrayList<>();
        cells.add(header);
        for (Row row : rows) {
            cells.add(
                    new String[] {
                        "  ".repeat(row.depth()) + row.name(),
                        row.type(),
                        Checks.shape(row.outputShape()),
                        Long.toString(row.parameters()),
                        row.output()
                    });
        }
        int[] widths = new int[header.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                if (i == 3) {
                    text.append(" ".repeat(widths[i] - cell.length())).append(cell);
                } else {
                    text.append(cell).append(" ".repeat(widths[i] - cell.length()));
                }
                text.append(i < line.length - 1 ? "  " : "");
            }
            sb.append(text.toString().stripTrailing()).append('\n');
        }
        sb.append('\n');
        sb.append("prediction: ").append(Checks.shape(spec.outputs().prediction())).append('\n');
        sb.append("embedding: ").append(spec.embeddingSize()).append('\n');
        List<String> features = new ArrayList<>();
        for (Map.Entry<String, Shape> e : spec.outputs().features().entrySet()) {
            features.add(e.getKey() + " " + Checks.shape(e.getValue()));
        }
        sb.append("features: ").append(String.join(", ", features)).append('\n');
        sb.append("smallest input: ").append(InputShapes.format(minimumInputShape)).append('\n');
        sb.append("parameters: ").append(spec.parameterCount()).append('\n');
        return sb.toString();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return render();
    }
}
