package io.distill4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.tracker.Tracker;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

final class TorchSgdTest {

    private static double[] doubles(JsonElement element) {
        JsonArray array = element.getAsJsonArray();
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }

    @Test
    void update_matchesTorchOptimSgd() throws Exception {
        JsonObject golden;
        try (Reader reader =
                new InputStreamReader(
                        Objects.requireNonNull(
                                getClass().getResourceAsStream("/golden/optim-sgd.json")),
                        StandardCharsets.UTF_8)) {
            golden = JsonParser.parseReader(reader).getAsJsonObject();
        }
        int cases = 0;
        for (JsonElement element : golden.getAsJsonArray("cases")) {
            JsonObject c = element.getAsJsonObject();
            TorchSgd sgd =
                    TorchSgd.builder()
                            .setLearningRateTracker(Tracker.fixed(c.get("lr").getAsFloat()))
                            .optMomentum(c.get("momentum").getAsFloat())
                            .optNesterov(c.get("nesterov").getAsBoolean())
                            .optWeightDecay(c.get("weight_decay").getAsFloat())
                            .build();
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray weight =
                        manager.create(doubles(c.get("initial"))).toType(DataType.FLOAT64, false);
                JsonArray grads = c.getAsJsonArray("grads");
                JsonArray weights = c.getAsJsonArray("weights");
                for (int step = 0; step < grads.size(); step++) {
                    sgd.update("w", weight, manager.create(doubles(grads.get(step))));
                    double[] expected = doubles(weights.get(step));
                    // DJL trackers hand out float learning rates: 0.1f differs from 0.1 by 1.5e-9.
                    double[] actual = weight.toDoubleArray();
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(actual[i]).as("%s step %d", c, step).isCloseTo(expected[i], within(1e-7));
                    }
                }
            }
            cases++;
        }
        assertThat(cases).isEqualTo(5);
    }

    @Test
    void build_nesterovWithoutMomentum_isRefused() {
        assertThatThrownBy(() -> TorchSgd.builder().optNesterov(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nesterov momentum requires momentum > 0");
    }

    @Test
    void optMomentum_one_isRefused() {
        assertThatThrownBy(() -> TorchSgd.builder().optMomentum(1f))
                .hasMessage("momentum must be in [0, 1), was 1.0");
    }
}
