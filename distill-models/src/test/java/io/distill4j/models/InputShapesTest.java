package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

final class InputShapesTest {

    @Test
    void parse_channelsHeightWidth() {
        assertThat(InputShapes.parse("3x224x224")).isEqualTo(new Shape(3, 224, 224));
        assertThat(InputShapes.parse(" 1 X 48 x 64 ")).isEqualTo(new Shape(1, 48, 64));
    }

    @Test
    void format_roundTrips() {
        assertThat(InputShapes.format(InputShapes.parse("3x224x196"))).isEqualTo("3x224x196");
    }

    @Test
    void parse_twoSizes_refused() {
        assertThatThrownBy(() -> InputShapes.parse("224x224"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "input shape must be CxHxW (channels x height x width), for example"
                                + " 3x224x224, was '224x224'");
    }

    @Test
    void parse_notANumber_refused() {
        assertThatThrownBy(() -> InputShapes.parse("3xbigx224"))
                .hasMessage(
                        "input shape '3xbigx224': height must be a positive integer, was 'big'; use"
                                + " CxHxW, for example 3x224x224");
        assertThatThrownBy(() -> InputShapes.parse("3x224x"))
                .hasMessage(
                        "input shape '3x224x': width must be a positive integer, was ''; use CxHxW,"
                                + " for example 3x224x224");
    }

    @Test
    void parse_outOfRange_refused() {
        assertThatThrownBy(() -> InputShapes.parse("0x48x48"))
                .hasMessage("input channels must be in [1, 64], was 0 (input shape 0x48x48)");
        assertThatThrownBy(() -> InputShapes.parse("3x48x-2"))
                .hasMessage("input width must be in [1, 4096], was -2 (input shape 3x48x-2)");
        assertThatThrownBy(() -> InputShapes.parse("3x5000x48"))
                .hasMessage("input height must be in [1, 4096], was 5000 (input shape 3x5000x48)");
    }

    @Test
    void check_wrongRank_refused() {
        assertThatThrownBy(() -> InputShapes.check(new Shape(1, 3, 224, 224)))
                .hasMessage("input shape must be (C, H, W), three sizes, was (1, 3, 224, 224)");
    }
}
