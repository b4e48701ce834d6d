package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;
import io.distill4j.core.Task;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ChannelStatisticsTest {

    /** A split of constant grey images: image i has the value values[i] everywhere. */
    private static FaceSplit constant(float... values) {
        return new FaceSplit() {
            @Override
            public Usage usage() {
                return Usage.TRAIN;
            }

            @Override
            public Task task() {
                return Task.classification(2);
            }

            @Override
            public int size() {
                return values.length;
            }

            @Override
            public Shape imageShape() {
                return new Shape(1, 4, 4);
            }

            @Override
            public FaceImage image(int index) {
                float[] pixels = new float[16];
                Arrays.fill(pixels, values[index]);
                return FaceImage.of(1, 4, 4, pixels);
            }

            @Override
            public float[] target(int index) {
                return new float[] {0};
            }

            @Override
            public int classIndex(int index) {
                return 0;
            }

            @Override
            public String describe(int index) {
                return "image " + index;
            }
        };
    }

    @Test
    void of_twoGreyLevels_meanAndPopulationStd() throws Exception {
        ChannelStatistics s = ChannelStatistics.of(constant(0.2f, 0.6f), 1, 4, 4, 100);
        assertThat(s.mean()[0]).isCloseTo(0.4f, within(1e-6f));
        assertThat(s.std()[0]).isCloseTo(0.2f, within(1e-6f));
        assertThat(s.images()).isEqualTo(2);
    }

    @Test
    void of_threeChannelsFromGrey_sameStatisticsPerChannel() throws Exception {
        ChannelStatistics s = ChannelStatistics.of(constant(0.1f, 0.3f, 0.5f), 3, 8, 8, 100);
        assertThat(s.mean()).hasSize(3);
        for (int c = 0; c < 3; c++) {
            assertThat(s.mean()[c]).isCloseTo(0.3f, within(1e-6f));
            assertThat(s.std()[c]).isCloseTo((float) Math.sqrt(0.08 / 3), within(1e-6f));
        }
    }

    @Test
    void of_moreImagesThanTheLimit_evenlySpacedSample() throws Exception {
        // Images 0, 2, 4, 6 of eight (values 0, 2, 4, 6 tenths): mean 0.3.
        FaceSplit split = constant(0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f);
        ChannelStatistics s = ChannelStatistics.of(split, 1, 4, 4, 4);
        assertThat(s.images()).isEqualTo(4);
        assertThat(s.mean()[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(List.of(s.toString())).allMatch(t -> t.endsWith("(4 images)"));
    }

    @Test
    void of_constantImages_isRefused() {
        assertThatThrownBy(() -> ChannelStatistics.of(constant(0.5f, 0.5f), 1, 4, 4, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "channel 0 of the TRAIN images is constant (0.5): it cannot be normalized");
    }
}
