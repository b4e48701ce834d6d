package io.distill4j.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.core.BlockStudent;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.Distiller;
import io.distill4j.core.Task;
import io.distill4j.core.optim.TorchSgd;
import io.distill4j.core.testing.TinyNet;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole training step against PyTorch: the {@link Distiller} runs two SGD steps of a student
 * distilled from a frozen teacher (KD + triplet + hint for 3 classes; KD for regression + triplet
 * with a threshold + hint for ages, with Nesterov momentum and weight decay), and the losses, the
 * student's weights and its batch-norm running statistics must be PyTorch's ({@code
 * tools/golden/make_step_golden.py}, float64). This checks the wiring the per-loss golden tests cannot: the teacher sees the clean
 * view in inference mode, the student the occluded view in training mode, every loss gets the
 * right output, gradients reach every student parameter once per step and the optimizer applies
 * them as {@code torch.optim.SGD} does.
 */
final class DistillerStepGoldenTest {

    private static final Shape IMAGE = new Shape(1, 8, 8);

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "kd_triplet_hint_sgd_two_steps",
                "age_kdregression_triplet_hint_nesterov_two_steps"
            })
    void fit_twoSgdSteps_matchPyTorch(String fixtureName) throws Exception {
        JsonObject fixture = load("/step/" + fixtureName + ".json");
        boolean regression = fixture.get("task").getAsString().equals("regression");
        Task task = regression ? Task.regression() : Task.classification(3);
        int outputs = regression ? 1 : 3;
        JsonObject sgd = fixture.getAsJsonObject("optimizer");
        int batch = fixture.get("batch_size").getAsInt();
        float[] clean = flatten(fixture.get("clean"));
        float[] occluded = flatten(fixture.get("occluded"));
        float[] labels = flatten(fixture.get("labels"));
        int size = labels.length;
        JsonObject expected = fixture.getAsJsonObject("expected");
        Map<String, float[]> studentStart = weights(fixture.getAsJsonObject("student"));
        Map<String, float[]> studentEnd = weights(expected.getAsJsonObject("student"));

        List<Float> losses = new ArrayList<>();
        Map<String, float[]> trained;
        try (NDManager manager = NDManager.newBaseManager();
                BlockStudent teacherModel =
                        tinyNet(outputs, weights(fixture.getAsJsonObject("teacher")));
                BlockTeacher teacher = BlockTeacher.of(teacherModel);
                BlockStudent student = tinyNet(outputs, studentStart)) {
            long[] indices = new long[size];
            for (int i = 0; i < size; i++) {
                indices[i] = i;
            }
            ArrayDataset train =
                    new ArrayDataset.Builder()
                            .setData(
                                    manager.create(clean, new Shape(size, 1, 8, 8)),
                                    manager.create(occluded, new Shape(size, 1, 8, 8)))
                            .optLabels(manager.create(labels), manager.create(indices))
                            .setSampling(batch, false)
                            .build();
            CombinedDistillationLoss loss = combined(fixture.getAsJsonObject("params"), task);
            Distiller.builder()
                    .setTask(task)
                    .setStudent(student)
                    .optTeacher(teacher)
                    .setLoss(loss)
                    .optOptimizer(
                            TorchSgd.builder()
                                    .setLearningRateTracker(
                                            Tracker.fixed(sgd.get("lr").getAsFloat()))
                                    .optMomentum(sgd.get("momentum").getAsFloat())
                                    .optNesterov(sgd.get("nesterov").getAsBoolean())
                                    .optWeightDecay(sgd.get("weight_decay").getAsFloat())
                                    .build())
                    .optEpochs(1)
                    .optSeed(1)
                    .addListeners(
                            new DistillationListener() {
                                @Override
                                public void onBatch(
                                        int epoch, int b, long images, Map<String, Float> terms) {
                                    losses.add(terms.get(loss.getName()));
                                }
                            })
                    .build()
                    .fit(train);
            trained = snapshot(student);
        }

        JsonArray expectedLosses = expected.getAsJsonArray("losses");
        assertThat(losses).hasSize(expectedLosses.size());
        for (int i = 0; i < losses.size(); i++) {
            double want = expectedLosses.get(i).getAsDouble();
            assertThat((double) losses.get(i))
                    .as("loss of batch %d", i + 1)
                    .isCloseTo(want, within(1e-5 * Math.abs(want)));
        }
        assertThat(trained.keySet()).isEqualTo(studentEnd.keySet());
        for (Map.Entry<String, float[]> e : studentEnd.entrySet()) {
            String name = e.getKey();
            float[] start = studentStart.get(name);
            // The change is what the steps computed: compare it, not the weights it is added to.
            // A change that should be zero (the convolution's bias, whose gradient the batch norm
            // after it cancels) is left with float32 noise (about 3e-7 here): changes under 0.01
            // are judged by their absolute error.
            double[] want = delta(e.getValue(), start);
            double error =
                    l2(subtract(delta(trained.get(name), start), want)) / Math.max(l2(want), 1e-2);
            assertThat(error).as("relative L2 error of the change of %s", name).isLessThan(1e-4);
        }
    }

    /** The fixture's weighted sum, each component built by the registry from its parameters. */
    private static CombinedDistillationLoss combined(JsonObject params, Task task) {
        CombinedDistillationLoss.Builder builder = DistillationLosses.combined();
        for (JsonElement element : params.getAsJsonArray("components")) {
            JsonObject component = element.getAsJsonObject();
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> p :
                    component.getAsJsonObject("params").entrySet()) {
                values.put(p.getKey(), p.getValue().getAsString());
            }
            builder.add(
                    component.get("weight").getAsFloat(),
                    DistillationLossRegistry.defaults()
                            .create(component.get("loss").getAsString(), task, values));
        }
        return builder.build();
    }

    /** A TinyNet(4 filters, embedding 8, the given outputs) holding the given weights. */
    private static BlockStudent tinyNet(int outputs, Map<String, float[]> weights) {
        BlockStudent model = BlockStudent.of(new TinyNet(4, 8, outputs), IMAGE, TinyNet.FEATURES);
        model.initialize();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            String name = unindexed(p.getKey());
            float[] values =
                    Objects.requireNonNull(weights.get(name), () -> "no weights for " + name);
            NDArray array = p.getValue().getArray();
            assertThat(array.size()).as(p.getKey()).isEqualTo(values.length);
            array.set(FloatBuffer.wrap(values));
        }
        return model;
    }

    private static Map<String, float[]> snapshot(BlockStudent model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            out.put(unindexed(p.getKey()), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** DJL's name without the child block's index: {@code 01conv_weight} -> {@code conv_weight}. */
    private static String unindexed(String name) {
        return name.replaceFirst("^\\d+", "");
    }

    private static Map<String, float[]> weights(JsonObject object) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            out.put(e.getKey(), flatten(e.getValue()));
        }
        return out;
    }

    private static float[] flatten(JsonElement element) {
        List<Float> values = new ArrayList<>();
        flatten(element, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void flatten(JsonElement element, List<Float> into) {
        if (element.isJsonArray()) {
            for (JsonElement child : element.getAsJsonArray()) {
                flatten(child, into);
            }
        } else {
            into.add(element.getAsFloat());
        }
    }

    private static double[] delta(float[] end, float[] start) {
        double[] out = new double[end.length];
        for (int i = 0; i < end.length; i++) {
            out[i] = (double) end[i] - start[i];
        }
        return out;
    }

    private static double[] subtract(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    private static double l2(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    private static JsonObject load(String resource) throws IOException {
        try (InputStream in = DistillerStepGoldenTest.class.getResourceAsStream(resource)) {
            Objects.requireNonNull(in, resource);
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
    }
}
