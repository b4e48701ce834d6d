package io.distill4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.tracker.Tracker;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** Reads the optimizer trajectories of {@code tools/golden/make_optim_golden.py} and checks them. */
final class OptimizerGolden {

    private OptimizerGolden() {}

    static List<JsonObject> cases(String resource) throws IOException {
        try (Reader reader =
                new InputStreamReader(
                        Objects.requireNonNull(
                                OptimizerGolden.class.getResourceAsStream(resource), resource),
                        StandardCharsets.UTF_8)) {
            List<JsonObject> cases = new ArrayList<>();
            for (JsonElement e :
                    JsonParser.parseReader(reader).getAsJsonObject().getAsJsonArray("cases")) {
                cases.add(e.getAsJsonObject());
            }
            return cases;
        }
    }

    /** The case's rate of each step; DJL counts steps from 1. */
    static Tracker rates(JsonObject c) {
        double[] lrs = doubles(c.get("lrs"));
        return step -> (float) lrs[step - 1];
    }

    static double[] doubles(JsonElement element) {
        JsonArray array = element.getAsJsonArray();
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }

    static void checkTrajectory(JsonObject c, StatefulOptimizer optimizer, double tolerance) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(doubles(c.get("initial")));
            JsonArray grads = c.getAsJsonArray("grads");
            JsonArray weights = c.getAsJsonArray("weights");
            for (int step = 0; step < grads.size(); step++) {
                optimizer.update("w", weight, manager.create(doubles(grads.get(step))));
                double[] expected = doubles(weights.get(step));
                double[] actual = weight.toDoubleArray();
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i])
                            .as("%s step %d", c, step + 1)
                            .isCloseTo(expected[i], within(tolerance));
                }
            }
        }
    }

    /**
     * Runs the case's steps once straight through, and once cut after every possible step: the
     * state read from the first optimizer, given to a new one, must give the same bits.
     */
    static void checkResume(JsonObject c, Supplier<StatefulOptimizer> factory) {
        JsonArray grads = c.getAsJsonArray("grads");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray straight = manager.create(doubles(c.get("initial"))).toType(DataType.FLOAT32, false);
            StatefulOptimizer one = factory.get();
            for (int step = 0; step < grads.size(); step++) {
                one.update("w", straight, grad(manager, grads, step));
            }
            for (int cut = 0; cut < grads.size(); cut++) {
                NDArray weight =
                        manager.create(doubles(c.get("initial"))).toType(DataType.FLOAT32, false);
                StatefulOptimizer first = factory.get();
                for (int step = 0; step < cut; step++) {
                    first.update("w", weight, grad(manager, grads, step));
                }
                StatefulOptimizer.State saved = first.getState("w");
                List<NDArray> copies = new ArrayList<>();
                for (NDArray buffer : saved.buffers()) {
                    copies.add(manager.create(buffer.toFloatArray(), buffer.getShape()));
                }
                StatefulOptimizer second = factory.get();
                second.setState("w", weight, new StatefulOptimizer.State(saved.steps(), copies));
                for (int step = cut; step < grads.size(); step++) {
                    second.update("w", weight, grad(manager, grads, step));
                }
                assertThat(weight.toFloatArray())
                        .as("%s cut after step %d", c, cut)
                        .containsExactly(straight.toFloatArray());
            }
        }
    }

    private static NDArray grad(NDManager manager, JsonArray grads, int step) {
        return manager.create(doubles(grads.get(step))).toType(DataType.FLOAT32, false);
    }
}
