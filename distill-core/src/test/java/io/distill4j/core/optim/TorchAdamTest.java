package io.distill4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TorchAdamTest {

    private static TorchAdam adam(JsonObject c) {
        return TorchAdam.builder()
                .optDecoupledWeightDecay(c.get("decoupled").getAsBoolean())
                .setLearningRateTracker(OptimizerGolden.rates(c))
                .optBetas(c.get("beta1").getAsFloat(), c.get("beta2").getAsFloat())
                .optEpsilon(c.get("eps").getAsFloat())
                .optWeightDecay(c.get("weight_decay").getAsFloat())
                .build();
    }

    @Test
    void update_matchesTorchOptimAdamAndAdamW() throws Exception {
        List<JsonObject> cases = OptimizerGolden.cases("/golden/optim-adam.json");
        for (JsonObject c : cases) {
            // Float hyper-parameters (0.999f, 1e-8f) against PyTorch's doubles.
            OptimizerGolden.checkTrajectory(c, adam(c), 1e-6);
        }
        assertThat(cases).hasSize(5);
        assertThat(cases).anyMatch(c -> c.get("decoupled").getAsBoolean());
        assertThat(cases).anyMatch(c -> c.get("eps").getAsDouble() == 0.1);
    }

    @Test
    void update_resumedFromSavedState_continuesBitForBit() throws Exception {
        for (JsonObject c : OptimizerGolden.cases("/golden/optim-adam.json")) {
            OptimizerGolden.checkResume(c, () -> adam(c));
        }
    }

    @Test
    void optBetas_one_isRefused() {
        assertThatThrownBy(() -> TorchAdam.builder().optBetas(0.9f, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("beta2 must be in [0, 1), was 1.0");
    }
}
