package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

final class ChecksTest {

    @Test
    void positive_negativeTemperature_namesValue() {
        assertThatThrownBy(() -> Checks.positive("temperature", -1f))
                .hasMessage("temperature must be finite and > 0, was -1.0");
        assertThatThrownBy(() -> Checks.positive("temperature", Float.NaN))
                .hasMessage("temperature must be finite and > 0, was NaN");
        assertThat(Checks.positive("temperature", 2f)).isEqualTo(2f);
    }

    @Test
    void inRange_outside_namesRange() {
        assertThatThrownBy(() -> Checks.inRange("alpha", 1.5f, 0, 1))
                .hasMessage("alpha must be in [0, 1], was 1.5");
        assertThat(Checks.inRange("alpha", 1f, 0, 1)).isEqualTo(1f);
    }

    @Test
    void shape_rendersLikePython() {
        assertThat(Checks.shape(new Shape(32, 7))).isEqualTo("(32, 7)");
        assertThat(Checks.shape(new Shape())).isEqualTo("()");
    }
}
