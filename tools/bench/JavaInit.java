import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.distill4j.core.Task;
import io.distill4j.models.Architectures;
import io.distill4j.models.NetworkBlock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Dumps a freshly initialized model as the library initializes a teacher (the engine seeded
 * with Engine.setRandomSeed(seed), then Block.initialize, as Distiller's constructor does), and
 * its eval-mode outputs on a fixed input, for tools/bench/check_protocol.py.
 *
 * <pre>
 * java -cp examples/target/distill.jar tools/bench/JavaInit.java MODEL SEED OUT
 * </pre>
 *
 * Writes OUT.txt (one line per parameter: PyTorch name and shape; then "output" lines) and
 * OUT.bin (the values, float32 little endian, in the same order; the input is
 * sin(0.001 * i) * 0.5 + 0.5 over a (2, 1, 48, 48) array).
 */
public final class JavaInit {

    private JavaInit() {}

    public static void main(String[] args) throws Exception {
        String model = args[0];
        int seed = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Shape input = new Shape(1, 48, 48);
        NetworkBlock block =
                Architectures.builder(model)
                        .setInputShape(input)
                        .setTask(Task.classification(8))
                        .build();
        StringBuilder text = new StringBuilder();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(input));
            Map<String, Parameter> parameters = block.getTorchParameters();
            long count = 0;
            for (Parameter p : parameters.values()) {
                count += p.getArray().size();
            }
            float[] x = new float[2 * 48 * 48];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (Math.sin(0.001 * i) * 0.5 + 0.5);
            }
            NDList outputs =
                    block.forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.create(x, new Shape(2, 1, 48, 48))),
                            false);
            for (NDArray o : outputs) {
                count += o.size();
            }
            ByteBuffer buffer =
                    ByteBuffer.allocate(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                NDArray a = e.getValue().getArray();
                text.append(e.getKey()).append(' ').append(shape(a.getShape())).append('\n');
                for (float v : a.toFloatArray()) {
                    buffer.putFloat(v);
                }
            }
            for (NDArray o : outputs) {
                text.append("output ").append(shape(o.getShape())).append('\n');
                for (float v : o.toFloatArray()) {
                    buffer.putFloat(v);
                }
            }
            Files.write(Path.of(out + ".bin"), buffer.array());
        }
        Files.writeString(Path.of(out + ".txt"), text.toString());
    }

    private static String shape(Shape s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            sb.append(i == 0 ? "" : "x").append(s.get(i));
        }
        return sb.toString();
    }
}
