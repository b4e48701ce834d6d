package io.distill4j.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.distill4j.core.Checks;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads weights converted from a PyTorch {@code state_dict} (torchvision, VGGFace2 and VGG-Face
 * checkpoints) into an architecture block, by PyTorch parameter name.
 *
 * <p>Write the file in Python with NumPy, then load it here:
 *
 * <pre>{@code
 * # Python
 * np.savez("resnet50.npz", **{k: v.numpy() for k, v in model.state_dict().items()})
 * // Java
 * NetworkBlock block = Architectures.builder("resnet50").setInputShape(3, 224, 224)
 *         .setTask(Task.classification(1000)).optNormalization(Normalization.imagenet()).build();
 * ModelTeacher teacher = TorchWeights.loadTeacher(block, Path.of("resnet50.npz"));
 * }</pre>
 *
 * <p>The file is a {@code .npz} (NumPy) or {@code .safetensors} archive. Loading is strict, like
 * PyTorch's {@code load_state_dict(strict=True)}: every parameter of the block (batch
 * normalization's running statistics included) must be present with its exact shape, and no other
 * entry may be (except {@code num_batches_tracked}); the error lists what is missing, unexpected
 * or of the wrong shape. The names are those of {@link NetworkBlock#getTorchParameters()}, or an
 * alias of {@link NetworkBlock#getTorchAliases()}. Floating-point arrays of another precision are
 * converted to float32.
 */
public final class TorchWeights {

    private static final int LISTED = 10;

    private TorchWeights() {}

    /**
     * Loads weights into a block and returns it as a frozen teacher.
     *
     * @param block an uninitialized block
     * @param file the {@code .npz} or {@code .safetensors} file
     * @return the teacher, owning a new manager
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException naming the file, if it cannot be decoded
     * @throws IllegalArgumentException naming the file and the parameters, if the weights do not
     *     fit the block
     */
    public static ModelTeacher loadTeacher(NetworkBlock block, Path file)
            throws IOException, MalformedModelException {
        Owned owned = load(block, file, "teacher");
        return ModelTeacher.of(owned.block, owned.manager, owned.descriptor, owned::close);
    }

    /**
     * Loads weights into a block and returns it as a trainable student.
     *
     * @param block an uninitialized block
     * @param file the {@code .npz} or {@code .safetensors} file
     * @return the student, owning a new manager
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException naming the file, if it cannot be decoded
     * @throws IllegalArgumentException naming the file and the parameters, if the weights do not
     *     fit the block
     */
    public static ModelStudent loadStudent(NetworkBlock block, Path file)
            throws IOException, MalformedModelException {
        Owned owned = load(block, file, "student");
        return ModelStudent.of(owned.block, owned.manager, owned.descriptor, owned::close);
    }

    /**
     * Returns the PyTorch names and shapes a weights file must hold for a block, in order.
     *
     * @param block a block, initialized or not
     * @return the shapes by name
     */
    public static Map<String, Shape> expectedShapes(NetworkBlock block) {
        NetworkBlock copy = Architectures.build(block.getDescriptor());
        try (NDManager manager = NDManager.newBaseManager()) {
            Params.initializeUnfilled(copy, manager, copy.getInputShape());
            Map<String, Shape> shapes = new LinkedHashMap<>();
            copy.getTorchParameters().forEach((k, v) -> shapes.put(k, v.getArray().getShape()));
            return Collections.unmodifiableMap(shapes);
        }
    }

    static Owned load(NetworkBlock block, Path file, String managerName)
            throws IOException, MalformedModelException {
        Owned.requireUninitialized(block);
        if (!Files.isRegularFile(file)) {
            throw new IOException(
                    Checks.format("weights file %s does not exist or is not a file", file));
        }
        Map<String, Shape> expected = expectedShapes(block);
        Map<String, Parameter> parameters = block.getTorchParameters();
        NDManager manager = NDManager.newBaseManager();
        manager.setName(managerName);
        try {
            Map<String, NDArray> arrays = read(manager, file, block.getTorchAliases());
            check(file, block, expected, arrays);
            for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
                NDArray array = arrays.remove(entry.getKey());
                if (array.getDataType() != DataType.FLOAT32) {
                    NDArray converted = array.toType(DataType.FLOAT32, false);
                    array.close();
                    array = converted;
                }
                entry.getValue().setArray(array);
            }
            arrays.values().forEach(NDArray::close);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(block.getInputShape()));
            return new Owned(block, manager, block.getDescriptor(), List.of(manager));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Map<String, NDArray> read(
            NDManager manager, Path file, Map<String, String> aliases)
            throws IOException, MalformedModelException {
        NDList list;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            list = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new MalformedModelException(
                    Checks.format(
                            "weights file %s cannot be read as .npz or .safetensors: %s",
                            file, e.getMessage()),
                    e);
        }
        if (list.isEmpty()) {
            throw new MalformedModelException(
                    Checks.format(
                            "weights file %s holds no arrays; write it with"
                                    + " np.savez(path, **state_dict) or as .safetensors",
                            file));
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (NDArray array : list) {
            String name = array.getName();
            if (name == null) {
                throw new MalformedModelException(
                        Checks.format(
                                "weights file %s holds unnamed arrays; save a state_dict by name,"
                                        + " np.savez(path, **state_dict)",
                                file));
            }
            String canonical = aliases.getOrDefault(name, name);
            if (arrays.put(canonical, array) != null) {
                throw new MalformedModelException(
                        Checks.format(
                                "weights file %s holds %s twice (directly or through an alias)",
                                file, canonical));
            }
        }
        return arrays;
    }

    private static void check(
            Path file, NetworkBlock block, Map<String, Shape> expected, Map<String, NDArray> arrays) {
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, Shape> entry : expected.entrySet()) {
            NDArray array = arrays.get(entry.getKey());
            if (array == null) {
                missing.add(entry.getKey());
            } else if (!array.getShape().equals(entry.getValue())) {
                wrongShape.add(
                        Checks.format(
                                "%s is %s in the file but %s in the model",
                                entry.getKey(),
                                Checks.shape(array.getShape()),
                                Checks.shape(entry.getValue())));
            } else if (!array.getDataType().isFloating()) {
                wrongShape.add(
                        Checks.format(
                                "%s is %s, not floating point", entry.getKey(), array.getDataType()));
            }
        }
        Set<String> unexpected = new LinkedHashSet<>(arrays.keySet());
        unexpected.removeAll(expected.keySet());
        unexpected.removeIf(name -> name.endsWith("num_batches_tracked"));
        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrongShape.isEmpty()) {
            StringBuilder sb =
                    new StringBuilder(
                            Checks.format(
                                    "weights file %s does not fit %s (%s)",
                                    file, block.getArchitecture(), block.getDescriptor()));
            append(sb, "missing", missing);
            append(sb, "unexpected", new ArrayList<>(unexpected));
            append(sb, "wrong", wrongShape);
            throw new IllegalArgumentException(sb.toString());
        }
    }

    private static void append(StringBuilder sb, String what, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        sb.append("; ").append(items.size()).append(' ').append(what).append(": ");
        sb.append(String.join(", ", items.subList(0, Math.min(LISTED, items.size()))));
        if (items.size() > LISTED) {
            sb.append(", ...");
        }
    }
}
