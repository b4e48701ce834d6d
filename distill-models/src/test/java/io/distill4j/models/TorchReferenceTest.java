package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The architectures compute what their PyTorch mirrors compute (torchvision's ResNet and VGG-16,
 * MatConvNet's CNN-F, small-cnn): slim copies with random weights and batch-normalization
 * statistics, written by tools/models/make_fixtures.py, load by PyTorch name and give PyTorch's
 * outputs (prediction, embedding, every feature) in inference mode.
 */
final class TorchReferenceTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "resnet18-slim",
                "resnet34-slim",
                "resnet50-slim",
                "vgg-face-slim",
                "vgg-f-slim",
                "small-cnn-slim",
                "small-cnn-regression"
            })
    void forward_matchesPyTorch(String name) throws Exception {
        JsonObject fixture = Fixtures.json("reference/" + name + ".json");
        NetworkBlock block = build(fixture);
        assertThat(block.getFeatureNames())
                .containsExactlyElementsOf(strings(fixture.get("feature_names")));
        try (ModelTeacher teacher =
                        TorchWeights.loadTeacher(block, Fixtures.path("reference/" + name + ".npz"));
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(teacher.getSpec().parameterCount())
                    .isEqualTo(fixture.get("parameters").getAsLong());
            Map<String, NDArray> io = Fixtures.npz(manager, "reference/" + name + ".io.npz");
            ModelOutput out = teacher.predict(io.get("input"));
            for (String feature : block.getFeatureNames()) {
                Fixtures.assertClose(
                        name + " " + feature, out.getFeature(feature), io.get(feature), 1e-4f, 1e-4f);
            }
            Fixtures.assertClose(
                    name + " embedding", out.getEmbedding(), io.get("embedding"), 1e-4f, 1e-4f);
            Fixtures.assertClose(
                    name + " prediction", out.getPrediction(), io.get("prediction"), 1e-4f, 1e-4f);
        }
    }

    /**
     * One training-mode pass (batch statistics) and a backward pass: the outputs and the gradient
     * of {@code sum_k sum(output_k * weight_k)} with respect to the input are PyTorch's. This
     * checks the backward pass through every layer, and that the forward pass's early release of
     * intermediate arrays ({@code Layers.release}) never frees what autograd still needs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet18-slim", "resnet50-slim"}) // small-cnn's dropout is random
    void trainingStep_matchesPyTorch(String name) throws Exception {
        JsonObject fixture = Fixtures.json("reference/" + name + ".json");
        NetworkBlock block = build(fixture);
        try (ModelStudent student =
                        TorchWeights.loadStudent(block, Fixtures.path("reference/" + name + ".npz"));
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> io = Fixtures.npz(manager, "reference/" + name + ".train.npz");
            NDArray input = io.get("input");
            input.setRequiresGradient(true);
            List<String> keys = new ArrayList<>(List.of("prediction", "embedding"));
            keys.addAll(block.getFeatureNames());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out =
                        student.getBlock()
                                .forward(new ParameterStore(manager, false), new NDList(input), true);
                NDArray loss = null;
                for (int k = 0; k < keys.size(); k++) {
                    String key = keys.get(k);
                    Fixtures.assertClose(name + " " + key, out.get(k), io.get(key), 1e-4f, 1e-4f);
                    NDArray term = out.get(k).mul(io.get("weight_" + key)).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                collector.backward(loss);
            }
            NDArray expected = io.get("input_grad");
            float scale = expected.abs().max().getFloat();
            Fixtures.assertClose(
                    name + " input gradient", input.getGradient(), expected, 1e-5f * scale, 1e-4f);
        }
    }

    static NetworkBlock build(JsonObject fixture) {
        JsonObject config = fixture.getAsJsonObject("config");
        NetworkBuilder<?> builder = Architectures.builder(config.get("architecture").getAsString());
        for (Map.Entry<String, JsonElement> option : config.entrySet()) {
            String key = option.getKey();
            if (key.equals("architecture") || key.equals("classes")) {
                continue;
            }
            JsonElement value = option.getValue();
            builder.optOption(
                    key,
                    value.isJsonArray()
                            ? String.join(",", strings(value))
                            : value.getAsString());
        }
        int classes = config.get("classes").getAsInt();
        return builder.setInputShape(Fixtures.shape(fixture.getAsJsonArray("input_shape")))
                .setTask(classes == 0 ? Task.regression() : Task.classification(classes))
                .build();
    }

    private static List<String> strings(JsonElement array) {
        List<String> values = new ArrayList<>();
        array.getAsJsonArray().forEach(e -> values.add(e.getAsString()));
        return values;
    }
}
