package io.distill4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.tracker.Tracker;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TorchSgdTest {

    private static TorchSgd sgd(JsonObject c) {
        return TorchSgd.builder()
                .setLearningRateTracker(OptimizerGolden.rates(c))
                .optMomentum(c.get("momentum").getAsFloat())
                .optNesterov(c.get("nesterov").getAsBoolean())
                .optWeightDecay(c.get("weight_decay").getAsFloat())
                .build();
    }

    @Test
    void update_matchesTorchOptimSgd() throws Exception {
        List<JsonObject> cases = OptimizerGolden.cases("/golden/optim-sgd.json");
        for (JsonObject c : cases) {
            // DJL trackers hand out float learning rates: 0.1f differs from 0.1 by 1.5e-9.
            OptimizerGolden.checkTrajectory(c, sgd(c), 1e-7);
        }
        assertThat(cases).hasSize(8);
        assertThat(cases).anyMatch(c -> c.getAsJsonArray("lrs").get(1).getAsDouble() == 0.05);
    }

    @Test
    void update_resumedFromSavedState_continuesBitForBit() throws Exception {
        for (JsonObject c : OptimizerGolden.cases("/golden/optim-sgd.json")) {
            OptimizerGolden.checkResume(c, () -> sgd(c));
        }
    }

    @Test
    void update_manySteps_leavesNoArrayOnTheWeightsManager() {
        TorchSgd sgd =
                TorchSgd.builder()
                        .setLearningRateTracker(Tracker.fixed(0.01f))
                        .optMomentum(0.9f)
                        .optNesterov(true)
                        .optWeightDecay(5e-4f)
                        .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.randomNormal(new Shape(64, 3, 3, 3));
            weight.setRequiresGradient(true);
            try (NDManager grads = manager.newSubManager()) {
                sgd.update("w", weight, grads.randomNormal(weight.getShape()));
            }
            int after1 = manager.getManagedArrays().size();
            for (int step = 0; step < 200; step++) {
                try (NDManager grads = manager.newSubManager()) {
                    sgd.update("w", weight, grads.randomNormal(weight.getShape()));
                }
            }
            // The weight, its momentum buffer and the sub-managers' bookkeeping: no temporaries.
            assertThat(manager.getManagedArrays()).hasSize(after1);
            assertThat(weight.getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }

    @Test
    void getStateNames_plainSgd_isEmpty() {
        assertThat(TorchSgd.builder().build().getStateNames()).isEmpty();
        assertThat(TorchSgd.builder().optMomentum(0.9f).build().getStateNames())
                .containsExactly("momentum");
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
