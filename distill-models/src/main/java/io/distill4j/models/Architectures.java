package io.distill4j.models;

import io.distill4j.core.Checks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The architectures by name, for command lines and configuration files ({@code --model
 * resnet18}).
 *
 * <pre>{@code
 * NetworkBlock block = Architectures.builder("resnet50")
 *         .setInputShape(InputShapes.parse("3x224x224"))
 *         .setTask(Task.classification(8))
 *         .build();
 * }</pre>
 */
public final class Architectures {

    /** ResNet-18, see {@link ResNet}. */
    public static final String RESNET18 = "resnet18";

    /** ResNet-34, see {@link ResNet}. */
    public static final String RESNET34 = "resnet34";

    /** ResNet-50, see {@link ResNet}. */
    public static final String RESNET50 = "resnet50";

    /** ResNet-101, see {@link ResNet}. */
    public static final String RESNET101 = "resnet101";

    /** ResNet-152, see {@link ResNet}. */
    public static final String RESNET152 = "resnet152";

    /** VGG-Face (VGG-16), see {@link VggFace}. */
    public static final String VGG_FACE = "vgg-face";

    /** VGG-F (CNN-F), see {@link VggF}. */
    public static final String VGG_F = "vgg-f";

    /** The small demo network, see {@link SmallCnn}. */
    public static final String SMALL_CNN = "small-cnn";

    private static final Map<String, Supplier<NetworkBuilder<?>>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(RESNET18, () -> ResNet.builder().setNumLayers(18));
        REGISTRY.put(RESNET34, () -> ResNet.builder().setNumLayers(34));
        REGISTRY.put(RESNET50, () -> ResNet.builder().setNumLayers(50));
        REGISTRY.put(RESNET101, () -> ResNet.builder().setNumLayers(101));
        REGISTRY.put(RESNET152, () -> ResNet.builder().setNumLayers(152));
        REGISTRY.put(VGG_FACE, VggFace::builder);
        REGISTRY.put(VGG_F, VggF::builder);
        REGISTRY.put(SMALL_CNN, SmallCnn::builder);
    }

    private Architectures() {}

    /**
     * Returns the known architecture names.
     *
     * @return the names, in a fixed order
     */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * Returns a builder for an architecture (case is ignored).
     *
     * @param name the architecture name
     * @return a new builder; set the input shape and the task, then build
     * @throws IllegalArgumentException listing the known names, if the name is unknown
     */
    public static NetworkBuilder<?> builder(String name) {
        Objects.requireNonNull(name, "name");
        Supplier<NetworkBuilder<?>> supplier = REGISTRY.get(name.trim().toLowerCase(Locale.ROOT));
        if (supplier == null) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "unknown architecture '%s'; known architectures: %s",
                            name, String.join(", ", REGISTRY.keySet())));
        }
        return supplier.get();
    }

    /**
     * Builds the uninitialized block a descriptor describes (the inverse of {@link
     * NetworkBlock#getDescriptor()}).
     *
     * @param descriptor the descriptor
     * @return the block
     * @throws IllegalArgumentException if the architecture or an option is unknown, or the
     *     rebuilt block's features differ from the descriptor's
     */
    public static NetworkBlock build(ModelDescriptor descriptor) {
        NetworkBuilder<?> builder = builder(descriptor.architecture());
        descriptor.options().forEach(builder::optOption);
        NetworkBlock block =
                builder.setInputShape(descriptor.inputShape())
                        .setTask(descriptor.task())
                        .optNormalization(descriptor.normalization())
                        .build();
        if (!block.getFeatureNames().equals(descriptor.featureNames())) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s has features %s, but the description lists %s",
                            descriptor.architecture(),
                            block.getFeatureNames(),
                            descriptor.featureNames()));
        }
        return block;
    }
}
