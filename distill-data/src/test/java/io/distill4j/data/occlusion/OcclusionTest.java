package io.distill4j.data.occlusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.data.FaceImage;
import io.distill4j.data.Landmarks;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

public final class OcclusionTest {

    static FaceImage randomImage(int channels, int height, int width, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[channels * height * width];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextDouble();
        }
        return FaceImage.of(channels, height, width, p);
    }

    /** A frontal face in a 100x100 image: eyes at y = 40, mouth at y = 75, jaw from x 15 to 85. */
    /**
     * Returns the test face.
     *
     * @return the landmarks
     */
    public static Landmarks frontal() {
        float[] xy = new float[136];
        for (int i = 0; i <= 16; i++) { // jaw: a U from (15, 40) down to (50, 95) and up
            double a = Math.PI * i / 16;
            xy[2 * i] = (float) (50 - 35 * Math.cos(a));
            xy[2 * i + 1] = (float) (40 + 55 * Math.sin(a));
        }
        for (int i = 17; i <= 26; i++) { // brows at y = 30
            xy[2 * i] = i <= 21 ? 25 + 4 * (i - 17) : 55 + 4 * (i - 22);
            xy[2 * i + 1] = 30;
        }
        for (int i = 27; i <= 30; i++) { // nose bridge from y = 42 to 57
            xy[2 * i] = 50;
            xy[2 * i + 1] = 42 + 5 * (i - 27);
        }
        for (int i = 31; i <= 35; i++) { // nose base at y = 62
            xy[2 * i] = 44 + 3 * (i - 31);
            xy[2 * i + 1] = 62;
        }
        for (int i = 36; i <= 47; i++) { // eyes: rings around (35, 40) and (65, 40)
            double a = Math.PI * 2 * (i % 6) / 6;
            float cx = i < 42 ? 35 : 65;
            xy[2 * i] = (float) (cx + 6 * Math.cos(a));
            xy[2 * i + 1] = (float) (40 + 2 * Math.sin(a));
        }
        for (int i = 48; i <= 67; i++) { // lips: a ring around (50, 75)
            double a = Math.PI * 2 * (i - 48) / 20;
            xy[2 * i] = (float) (50 + 12 * Math.cos(a));
            xy[2 * i + 1] = (float) (75 + 4 * Math.sin(a));
        }
        return Landmarks.of(xy);
    }

    static Landmarks rotate(Landmarks l, double degrees, float cx, float cy) {
        float[] xy = l.toArray();
        double a = Math.toRadians(degrees);
        for (int i = 0; i < 68; i++) {
            float dx = xy[2 * i] - cx;
            float dy = xy[2 * i + 1] - cy;
            xy[2 * i] = (float) (cx + dx * Math.cos(a) - dy * Math.sin(a));
            xy[2 * i + 1] = (float) (cy + dx * Math.sin(a) + dy * Math.cos(a));
        }
        return Landmarks.of(xy);
    }

    private static boolean hidden(boolean[] mask, int width, float x, float y) {
        return mask[(int) y * width + (int) x];
    }

    @Test
    void vrHeadset_noLandmarks_hidesExactlyTheUpperHalfAndLeavesTheRest() {
        FaceImage clean = randomImage(1, 48, 48, 1);
        FaceImage occluded = Occlusions.vrHeadset().apply(clean);

        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                if (y < 24) {
                    assertThat(occluded.get(0, y, x)).as("(%d, %d)", y, x).isZero();
                } else {
                    assertThat(occluded.get(0, y, x))
                            .as("(%d, %d)", y, x)
                            .isEqualTo(clean.get(0, y, x));
                }
            }
        }
    }

    @Test
    void vrHeadset_rgbOddHeight_hidesFloorHalfRowsInEveryChannel() {
        FaceImage clean = randomImage(3, 47, 50, 2);
        FaceImage occluded = Occlusions.vrHeadset().apply(clean);

        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 47; y++) {
                for (int x = 0; x < 50; x++) {
                    float expected = y < 23 ? 0f : clean.get(c, y, x);
                    assertThat(occluded.get(c, y, x)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void surgicalMask_template_hidesTheLowerFaceOnly() {
        FaceImage clean = randomImage(1, 48, 48, 3);
        Occlusion mask = Occlusions.surgicalMask();
        boolean[] hidden = mask.mask(clean);
        FaceImage occluded = mask.apply(clean);
        float fill = mask.fill(1)[0];

        int count = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                boolean h = hidden[y * 48 + x];
                if (y < 24) {
                    assertThat(h).as("row %d is in the upper half", y).isFalse();
                }
                assertThat(occluded.get(0, y, x)).isEqualTo(h ? fill : clean.get(0, y, x));
                count += h ? 1 : 0;
            }
        }
        // the template covers the mouth and chin: bottom centre, mouth centre, cheeks
        assertThat(hidden[47 * 48 + 24]).isTrue();
        assertThat(hidden[34 * 48 + 24]).isTrue();
        assertThat(hidden[34 * 48 + 6]).isTrue();
        assertThat(hidden[25 * 48 + 24]).isTrue();
        assertThat(hidden[23 * 48 + 24]).isFalse();
        assertThat(count).isBetween(600, 900);
        assertThat(mask.fill(3)).containsExactly(0.65f, 0.78f, 0.92f);
    }

    @Test
    void vrHeadset_landmarks_coversTheEyesFollowingTheEyeLine() {
        FaceImage clean = randomImage(1, 100, 100, 4).withLandmarks(frontal());
        boolean[] hidden = Occlusions.vrHeadset().mask(clean);
        // width = jaw 0 to 16 = 70, height 35, centred on the eyes at (50, 40): the rectangle
        // spans x 15..85 and y 22.5..57.5; a pixel is hidden when its centre (x + 0.5, y + 0.5)
        // lies in [top, bottom), so rows 22 to 56
        assertThat(hidden(hidden, 100, 35, 40)).isTrue();
        assertThat(hidden(hidden, 100, 65, 40)).isTrue();
        assertThat(hidden(hidden, 100, 50, 22)).isTrue();
        assertThat(hidden(hidden, 100, 50, 21)).isFalse();
        assertThat(hidden(hidden, 100, 50, 56)).isTrue();
        assertThat(hidden(hidden, 100, 50, 57)).isFalse();
        assertThat(hidden(hidden, 100, 50, 75)).as("mouth").isFalse();
        assertThat(hidden(hidden, 100, 16, 40)).isTrue();
        assertThat(hidden(hidden, 100, 13, 40)).isFalse();

        Landmarks tilted = rotate(frontal(), 25, 50, 50);
        boolean[] rotated = Occlusions.vrHeadset().mask(clean.withLandmarks(tilted));
        float[] leftEye = tilted.centre(36, 42);
        float[] rightEye = tilted.centre(42, 48);
        assertThat(hidden(rotated, 100, leftEye[0], leftEye[1])).isTrue();
        assertThat(hidden(rotated, 100, rightEye[0], rightEye[1])).isTrue();
        float[] mouth = tilted.centre(48, 68);
        assertThat(hidden(rotated, 100, mouth[0], mouth[1])).isFalse();
        // the unrotated rectangle's corner (16, 23) falls outside the rotated one
        assertThat(hidden(rotated, 100, 16, 23)).isFalse();
    }

    @Test
    void surgicalMask_landmarks_coversNoseBaseMouthAndChinNotEyes() {
        FaceImage clean = randomImage(3, 100, 100, 5).withLandmarks(frontal());
        Occlusion mask = Occlusions.surgicalMask();
        boolean[] hidden = mask.mask(clean);
        Landmarks l = frontal();
        for (int i = 31; i <= 35; i++) {
            assertThat(hidden(hidden, 100, l.x(i), l.y(i))).as("nose base %d", i).isTrue();
        }
        for (int i = 48; i <= 67; i++) {
            assertThat(hidden(hidden, 100, l.x(i), l.y(i))).as("lip %d", i).isTrue();
        }
        for (int i = 36; i <= 47; i++) {
            assertThat(hidden(hidden, 100, l.x(i), l.y(i))).as("eye %d", i).isFalse();
        }
        assertThat(hidden(hidden, 100, 50, 94)).as("chin").isTrue();
        FaceImage occluded = mask.apply(clean);
        for (int i = 0; i < 100 * 100; i++) {
            for (int c = 0; c < 3; c++) {
                float expected = hidden[i] ? mask.fill(3)[c] : clean.get(c, i / 100, i % 100);
                assertThat(occluded.get(c, i / 100, i % 100)).isEqualTo(expected);
            }
        }
        assertThat(occluded.landmarks()).contains(l);
    }

    @Test
    void upperHalfAndTemplate_ignoreLandmarks() {
        FaceImage clean = randomImage(1, 100, 100, 6).withLandmarks(frontal());
        assertThat(VrHeadsetOcclusion.upperHalf().mask(clean))
                .isEqualTo(VrHeadsetOcclusion.upperHalf().mask(clean.withoutLandmarks()));
        assertThat(SurgicalMaskOcclusion.template().mask(clean))
                .isEqualTo(Occlusions.surgicalMask().mask(clean.withoutLandmarks()));
    }

    @Test
    void apply_sameImage_isDeterministic() {
        FaceImage clean = randomImage(1, 48, 48, 7);
        for (String name : Occlusions.NAMES) {
            assertThat(Occlusions.byName(name).apply(clean))
                    .isEqualTo(Occlusions.byName(name).apply(clean));
        }
        FaceImage withLandmarks = randomImage(3, 100, 100, 8).withLandmarks(frontal());
        assertThat(Occlusions.vrHeadset().apply(withLandmarks))
                .isEqualTo(Occlusions.vrHeadset().apply(withLandmarks));
    }

    @Test
    void none_returnsTheCleanImage() {
        FaceImage clean = randomImage(1, 48, 48, 9);
        assertThat(Occlusions.none().apply(clean)).isSameAs(clean);
        assertThat(Occlusions.none().mask(clean)).doesNotContain(true);
    }

    @Test
    void byName_unknown_listsTheKnownNames() {
        assertThat(Occlusions.byName(" VR-Headset ").name()).isEqualTo("vr-headset");
        assertThatThrownBy(() -> Occlusions.byName("scarf"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "occlusion must be one of vr-headset, surgical-mask, none, was 'scarf'");
    }
}
