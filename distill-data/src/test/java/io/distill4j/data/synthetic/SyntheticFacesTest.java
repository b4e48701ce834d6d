package io.distill4j.data.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Task;
import io.distill4j.data.FaceAttribute;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

final class SyntheticFacesTest {

    private static float[] rows(FaceImage image, int from, int to) {
        float[] p = image.pixels();
        return Arrays.copyOfRange(p, from * image.width(), to * image.width());
    }

    @Test
    void render_sameSeed_sameImage() {
        SyntheticFace a = SyntheticFace.sample(123);
        assertThat(SyntheticFace.sample(123)).isEqualTo(a);
        assertThat(a.render(48)).isEqualTo(a.render(48));
        assertThat(SyntheticFace.sample(124).render(48)).isNotEqualTo(a.render(48));
        FaceImage image = a.render(48);
        assertThat(image.channels()).isEqualTo(1);
        assertThat(image.height()).isEqualTo(48);
        assertThat(a.render(64).width()).isEqualTo(64);
    }

    /**
     * The design of the expressions: two classes draw exactly the same upper half (rows 0-23) when
     * they share the brows-and-eyes state, and every two classes draw different lower halves.
     */
    @Test
    void render_expressionCues_splitBetweenUpperAndLowerHalf() {
        for (long seed = 0; seed < 20; seed++) {
            SyntheticFace base = SyntheticFace.sample(seed);
            FaceImage[] images = new FaceImage[8];
            for (int c = 0; c < 8; c++) {
                images[c] =
                        new SyntheticFace(
                                        c,
                                        base.age(),
                                        base.gender(),
                                        base.race(),
                                        base.intensity(),
                                        base.detailSeed())
                                .render(48);
            }
            for (int a = 0; a < 8; a++) {
                for (int b = a + 1; b < 8; b++) {
                    boolean sameUpper = SyntheticFace.upperState(a) == SyntheticFace.upperState(b);
                    if (sameUpper) {
                        assertThat(rows(images[a], 0, 24))
                                .as("classes %d and %d, seed %d: upper halves", a, b, seed)
                                .isEqualTo(rows(images[b], 0, 24));
                    } else {
                        assertThat(rows(images[a], 0, 24))
                                .as("classes %d and %d, seed %d: upper halves", a, b, seed)
                                .isNotEqualTo(rows(images[b], 0, 24));
                    }
                    assertThat(rows(images[a], 24, 48))
                            .as("classes %d and %d, seed %d: lower halves", a, b, seed)
                            .isNotEqualTo(rows(images[b], 24, 48));
                }
            }
        }
    }

    @Test
    void render_ageAndGender_showInBothHalves() {
        for (long seed = 0; seed < 10; seed++) {
            SyntheticFace base = SyntheticFace.sample(seed);
            SyntheticFace young =
                    new SyntheticFace(base.expression(), 25, 0, base.race(), base.intensity(), 7);
            SyntheticFace old =
                    new SyntheticFace(base.expression(), 75, 0, base.race(), base.intensity(), 7);
            SyntheticFace woman =
                    new SyntheticFace(base.expression(), 25, 1, base.race(), base.intensity(), 7);
            for (SyntheticFace other : new SyntheticFace[] {old, woman}) {
                assertThat(rows(other.render(48), 0, 24))
                        .isNotEqualTo(rows(young.render(48), 0, 24));
                assertThat(rows(other.render(48), 24, 48))
                        .isNotEqualTo(rows(young.render(48), 24, 48));
            }
        }
    }

    @Test
    void votes_sumToTenAndFavourTheTrueClass() {
        int favoured = 0;
        for (long seed = 0; seed < 200; seed++) {
            SyntheticFace face = SyntheticFace.sample(seed);
            int[] votes = face.votes();
            assertThat(votes).hasSize(10);
            assertThat(Arrays.stream(votes).sum()).isEqualTo(10);
            if (votes[face.expression()] == Arrays.stream(votes).max().getAsInt()) {
                favoured++;
            }
        }
        assertThat(favoured).isGreaterThan(180);
    }

    @Test
    void build_splitsAreReproducibleAndIndependent() throws Exception {
        SyntheticFaces a = SyntheticFaces.builder().optSizes(30, 5, 5).optSeed(9).build();
        SyntheticFaces b = SyntheticFaces.builder().optSizes(30, 5, 5).optSeed(9).build();
        FaceSplit train = a.split(Usage.TRAIN);
        assertThat(train.size()).isEqualTo(30);
        assertThat(a.split(Usage.TEST).size()).isEqualTo(5);
        for (int i = 0; i < 30; i++) {
            assertThat(b.split(Usage.TRAIN).image(i)).isEqualTo(train.image(i));
            assertThat(b.split(Usage.TRAIN).target(i)).isEqualTo(train.target(i));
        }
        assertThat(a.split(Usage.TEST).image(0)).isNotEqualTo(train.image(0));
        assertThat(a.task().classNames()).hasSize(8);
        assertThat(a.report().skipped()).isEmpty();
        assertThat(a.provenance()).containsEntry("seed", "9").containsEntry("sizes", "30/5/5");
    }

    @Test
    void build_attributes_giveTheirTasks() {
        SyntheticFaces age =
                SyntheticFaces.builder().optAttribute(FaceAttribute.AGE).optSizes(10, 1, 1).build();
        assertThat(age.task()).isEqualTo(Task.regression());
        FaceSplit split = age.split(Usage.TRAIN);
        assertThat(split.target(0)[0]).isEqualTo(SyntheticFaces.face(42, Usage.TRAIN, 0).age());
        assertThatThrownBy(() -> split.classIndex(0)).isInstanceOf(IllegalStateException.class);
        SyntheticFaces gender =
                SyntheticFaces.builder()
                        .optAttribute(FaceAttribute.GENDER)
                        .optSizes(10, 1, 1)
                        .build();
        assertThat(gender.task().classNames()).containsExactly("male", "female");
    }

    @Test
    void constructor_outOfRange_fails() {
        assertThatThrownBy(() -> new SyntheticFace(8, 30, 0, 0, 0.8f, 1))
                .hasMessage("expression must be in [0, 7], was 8");
        assertThatThrownBy(() -> new SyntheticFace(0, 30, 0, 0, 0.5f, 1))
                .hasMessage("intensity must be in [0.55, 1], was 0.5");
        assertThatThrownBy(() -> SyntheticFace.sample(1).render(8))
                .hasMessage("size must be in [16, 1024], was 8");
    }

    @Test
    void provenance_everyBuilderOption_changesIt() {
        java.util.Map<String, String> base =
                SyntheticFaces.builder().optSizes(10, 2, 2).build().provenance();
        assertThat(SyntheticFaces.builder().optSizes(10, 2, 2).build().provenance()).isEqualTo(base);
        assertThat(
                        java.util.List.of(
                                SyntheticFaces.builder().optSizes(10, 2, 2).optSeed(7).build(),
                                SyntheticFaces.builder()
                                        .optSizes(10, 2, 2)
                                        .optAttribute(FaceAttribute.GENDER)
                                        .build(),
                                SyntheticFaces.builder().optSizes(10, 2, 2).optImageSize(64).build(),
                                SyntheticFaces.builder().optSizes(10, 2, 3).build()))
                .allSatisfy(other -> assertThat(other.provenance()).isNotEqualTo(base));
    }
}
