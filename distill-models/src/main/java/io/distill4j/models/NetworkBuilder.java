package io.distill4j.models;

import ai.djl.ndarray.types.Shape;
import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options every architecture shares: input shape, task and input normalization, plus
 * architecture-specific options settable by name ({@link #optOption}) for configuration files.
 *
 * <p>{@link #build()} checks everything, including that the input is large enough for the
 * architecture (the message names the smallest input that works), and returns an uninitialized
 * {@link NetworkBlock}. Each option may be set once; setting it again throws {@link
 * IllegalStateException}.
 *
 * @param <T> the concrete builder type
 */
public abstract class NetworkBuilder<T extends NetworkBuilder<T>> {

    private final Set<String> assigned = new HashSet<>();
    private Shape inputShape;
    private Task task;
    private Normalization normalization = Normalization.none();

    NetworkBuilder() {}

    /**
     * Sets the per-image input shape {@code (C, H, W)}: {@code (1, 48, 48)} for FER+, {@code (3,
     * 224, 224)} for the paper's setting.
     *
     * @param inputShape the shape
     * @return this builder
     */
    public T setInputShape(Shape inputShape) {
        assign("inputShape");
        this.inputShape = InputShapes.check(inputShape);
        return self();
    }

    /**
     * Sets the per-image input shape.
     *
     * @param channels the number of channels (1 grey, 3 RGB)
     * @param height the height in pixels
     * @param width the width in pixels
     * @return this builder
     */
    public T setInputShape(long channels, long height, long width) {
        return setInputShape(new Shape(channels, height, width));
    }

    /**
     * Sets the task, which sizes the head: {@code N} logits for {@code N} classes, one value for
     * regression.
     *
     * @param task the task
     * @return this builder
     */
    public T setTask(Task task) {
        assign("task");
        this.task = Objects.requireNonNull(task, "task");
        return self();
    }

    /**
     * Sets the normalization the model applies to its input first; none by default.
     *
     * @param normalization the normalization
     * @return this builder
     */
    public T optNormalization(Normalization normalization) {
        assign("normalization");
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        return self();
    }

    /**
     * Sets an architecture-specific option by name, as a configuration file or a checkpoint
     * manifest gives it ({@code baseWidth} = {@code 32}, for example).
     *
     * @param key the option name, one of {@link #getOptions()}'s keys
     * @param value the value as text
     * @return this builder
     * @throws IllegalArgumentException naming the known options or the accepted values
     */
    public T optOption(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!getOptions().containsKey(key)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "unknown option '%s' for %s; known options: %s",
                            key, getArchitecture(), new TreeMap<>(getOptions()).keySet()));
        }
        applyOption(key, value.trim());
        return self();
    }

    /**
     * Returns the architecture name of what this builder builds.
     *
     * @return the name, as in {@link Architectures#names()}
     */
    public abstract String getArchitecture();

    /**
     * Returns the architecture-specific options with their current values, as text.
     *
     * @return the options by name
     */
    public abstract Map<String, String> getOptions();

    /**
     * Returns the names of the features the built block returns after the embedding, in order.
     *
     * @return the names
     */
    public abstract List<String> getFeatureNames();

    /**
     * Returns the smallest height (and width) this architecture accepts with the current options:
     * the smallest size at which every layer's window fits and every downsampling layer gets at
     * least two pixels to reduce.
     *
     * @return the size in pixels
     */
    public int getMinimumInputSize() {
        List<SpatialOp> ops = spatialOps();
        for (int n = 1; n <= InputShapes.MAX_SIZE; n++) {
            if (SpatialOp.fits(ops, n)) {
                return n;
            }
        }
        throw new IllegalStateException(getArchitecture() + " accepts no input size");
    }

    /**
     * Checks the options and builds an uninitialized block.
     *
     * @return the block
     * @throws IllegalStateException if the input shape or the task was not set
     * @throws IllegalArgumentException if the input is too small for the architecture (naming the
     *     smallest input that works), or the normalization does not fit its channels
     */
    public NetworkBlock build() {
        if (inputShape == null) {
            throw new IllegalStateException("setInputShape(...) must be called before build()");
        }
        if (task == null) {
            throw new IllegalStateException("setTask(...) must be called before build()");
        }
        checkBeforeBuild();
        normalization.checkChannels(inputShape.get(0));
        int minimum = getMinimumInputSize();
        Shape smallest = new Shape(inputShape.get(0), minimum, minimum);
        if (inputShape.get(1) < minimum || inputShape.get(2) < minimum) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "input %s is too small for %s: the smallest input that works is %s"
                                    + " (height and width >= %d)",
                            InputShapes.format(inputShape),
                            getArchitecture(),
                            InputShapes.format(smallest),
                            minimum));
        }
        ModelDescriptor descriptor =
                new ModelDescriptor(
                        getArchitecture(),
                        inputShape,
                        task,
                        normalization,
                        getOptions(),
                        getFeatureNames());
        NetworkBlock.Assembly assembly = new NetworkBlock.Assembly();
        assemble(assembly, inputShape, task.outputSize());
        return assembly.build(descriptor, smallest);
    }

    /** Marks an option as set, refusing a second assignment. */
    final void assign(String key) {
        if (!assigned.add(key)) {
            throw new IllegalStateException(
                    Checks.format("%s was already set on this %s builder", key, getArchitecture()));
        }
    }

    /** Checks required architecture-specific options. */
    void checkBeforeBuild() {}

    abstract void applyOption(String key, String value);

    abstract List<SpatialOp> spatialOps();

    abstract void assemble(NetworkBlock.Assembly assembly, Shape inputShape, int outputs);

    abstract T self();

    static int intOption(String architecture, String key, String value, int low, int high) {
        try {
            int v = Integer.parseInt(value);
            if (v >= low && v <= high) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "option %s of %s must be an integer in [%d, %d], was '%s'",
                        key, architecture, low, high, value));
    }

    static float rateOption(String architecture, String key, String value) {
        try {
            float v = Float.parseFloat(value);
            if (v >= 0 && v < 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "option %s of %s must be a number in [0, 1), was '%s'",
                        key, architecture, value));
    }

    static boolean booleanOption(String architecture, String key, String value) {
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "option %s of %s must be true or false, was '%s'",
                        key, architecture, value));
    }

    static int checkInt(String name, int value, int low, int high) {
        if (value < low || value > high) {
            throw new IllegalArgumentException(
                    Checks.format("%s must be in [%d, %d], was %d", name, low, high, value));
        }
        return value;
    }

    static float checkRate(String name, float value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("%s must be in [0, 1), was %s", name, value));
        }
        return value;
    }
}
