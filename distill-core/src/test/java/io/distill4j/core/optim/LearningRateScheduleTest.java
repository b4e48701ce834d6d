package io.distill4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distill4j.core.optim.LearningRateSchedule.Kind;
import org.junit.jupiter.api.Test;

final class LearningRateScheduleTest {

    private static LearningRateSchedule schedule(Kind kind) {
        return new LearningRateSchedule(kind, 0.1f, 100, 10, 2, 0.1f, 0.1f);
    }

    @Test
    void constant_isBaseRate() {
        assertThat(schedule(Kind.CONSTANT).getNewValue(1)).isEqualTo(0.1f);
        assertThat(schedule(Kind.CONSTANT).getNewValue(100)).isEqualTo(0.1f);
    }

    @Test
    void step_decaysEveryTwoEpochs() {
        LearningRateSchedule s = schedule(Kind.STEP);
        assertThat(s.getNewValue(20)).isEqualTo(0.1f);
        assertThat(s.getNewValue(21)).isCloseTo(0.01f, within(1e-8f));
        assertThat(s.getNewValue(41)).isCloseTo(0.001f, within(1e-9f));
    }

    @Test
    void cosine_fromBaseToZero() {
        LearningRateSchedule s = schedule(Kind.COSINE);
        assertThat(s.getNewValue(1)).isEqualTo(0.1f);
        assertThat(s.getNewValue(100)).isCloseTo(0f, within(1e-9f));
        // Half way (step 50.5 of 1..100) the rate is half the base.
        assertThat((s.getNewValue(50) + s.getNewValue(51)) / 2).isCloseTo(0.05f, within(1e-4f));
    }

    @Test
    void oneCycle_warmsUpThenAnneals() {
        LearningRateSchedule s = schedule(Kind.ONE_CYCLE);
        double start = 0.1 / 25;
        assertThat(s.getNewValue(1)).isCloseTo((float) (start + (0.1 - start) / 10), within(1e-7f));
        assertThat(s.getNewValue(10)).isCloseTo(0.1f, within(1e-7f));
        assertThat(s.getNewValue(100)).isCloseTo(0.1f / 1e4f, within(1e-8f));
        assertThat(s.getNewValue(40)).isLessThan(s.getNewValue(20));
    }

    @Test
    void parse_unknown_listsKnown() {
        assertThat(Kind.parse("one-cycle")).isEqualTo(Kind.ONE_CYCLE);
        assertThatThrownBy(() -> Kind.parse("linear"))
                .hasMessage(
                        "schedule must be one of [constant, step, cosine, one-cycle], was"
                                + " 'linear'");
    }

    @Test
    void constructor_badGamma_namesRange() {
        assertThatThrownBy(() -> new LearningRateSchedule(Kind.STEP, 0.1f, 10, 1, 1, 0f, 0f))
                .hasMessage("gamma must be in (0, 1], was 0.0");
    }
}
