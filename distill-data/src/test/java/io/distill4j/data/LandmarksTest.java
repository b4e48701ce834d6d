package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class LandmarksTest {

    private static Landmarks numbered() {
        float[] xy = new float[136];
        for (int i = 0; i < 68; i++) {
            xy[2 * i] = i;
            xy[2 * i + 1] = 100 + i;
        }
        return Landmarks.of(xy);
    }

    @Test
    void of_wrongCountOrNaN_fails() {
        assertThatThrownBy(() -> Landmarks.of(new float[135]))
                .hasMessage("landmarks need 136 coordinates (68 points), was 135");
        float[] xy = new float[136];
        xy[11] = Float.NaN;
        assertThatThrownBy(() -> Landmarks.of(xy))
                .hasMessage("landmark 5 must be finite, was (0.0, NaN)");
    }

    @Test
    void flipHorizontal_reflectsAndRenumbersTheMirrorPairs() {
        Landmarks l = numbered();
        Landmarks f = l.flipHorizontal(200);
        // point 36 (outer corner of the image-left eye) becomes point 45, and so on
        assertThat(f.x(45)).isEqualTo(200 - 36f);
        assertThat(f.y(45)).isEqualTo(136f);
        assertThat(f.x(0)).isEqualTo(200 - 16f);
        assertThat(f.x(8)).isEqualTo(200 - 8f);
        assertThat(f.x(30)).isEqualTo(200 - 30f);
        assertThat(f.x(31)).isEqualTo(200 - 35f);
        assertThat(f.x(48)).isEqualTo(200 - 54f);
        assertThat(f.x(60)).isEqualTo(200 - 64f);
        assertThat(f.x(66)).isEqualTo(200 - 66f);
        assertThat(f.flipHorizontal(200)).isEqualTo(l);
    }

    @Test
    void transform_scalesThenShifts() {
        Landmarks t = numbered().transform(2, 0.5f, 1, -1);
        assertThat(t.x(3)).isEqualTo(7f);
        assertThat(t.y(3)).isEqualTo(50.5f);
        assertThat(numbered().centre(0, 2)).containsExactly(0.5f, 100.5f);
    }
}
