package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.core.BatchLayout;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

final class AugmentationTest {

    private static FaceImage image() {
        float[] p = new float[48 * 48];
        for (int i = 0; i < p.length; i++) {
            p[i] = ((i * 37) % 255) / 255f;
        }
        return FaceImage.of(1, 48, 48, p);
    }

    @Test
    void apply_sameSeedEpochAndIndex_sameResult() {
        Augmentation a = Augmentation.defaults();
        for (long index = 0; index < 20; index++) {
            assertThat(a.apply(image(), 7, 3, index)).isEqualTo(a.apply(image(), 7, 3, index));
        }
    }

    @Test
    void apply_epochsAndIndices_vary() {
        Augmentation a = Augmentation.defaults();
        Set<FaceImage> seen = new HashSet<>();
        Set<Integer> codes = new HashSet<>();
        for (int epoch = 0; epoch < 4; epoch++) {
            for (long index = 0; index < 10; index++) {
                Augmentation.Result r = a.apply(image(), 7, epoch, index);
                seen.add(r.image());
                codes.add(r.code());
            }
        }
        assertThat(seen.size()).isGreaterThan(30);
        assertThat(codes).contains(BatchLayout.AUGMENT_OTHER);
    }

    @Test
    void apply_flipOnly_isMirrorOrIdentityWithTheRightCode() {
        Augmentation a = new Augmentation(true, 0);
        int flips = 0;
        for (long index = 0; index < 40; index++) {
            Augmentation.Result r = a.apply(image(), 1, 0, index);
            if (r.code() == BatchLayout.AUGMENT_FLIP) {
                assertThat(r.image()).isEqualTo(image().flipHorizontal());
                flips++;
            } else {
                assertThat(r.code()).isEqualTo(BatchLayout.AUGMENT_NONE);
                assertThat(r.image()).isEqualTo(image());
            }
        }
        assertThat(flips).isBetween(8, 32);
    }

    @Test
    void apply_none_returnsTheImage() {
        FaceImage input = image();
        Augmentation.Result r = Augmentation.none().apply(input, 1, 2, 3);
        assertThat(r.code()).isEqualTo(BatchLayout.AUGMENT_NONE);
        assertThat(r.image()).isSameAs(input);
        assertThat(Augmentation.none().isNone()).isTrue();
        assertThat(Augmentation.defaults().withFlip(false).withCropPadding(2))
                .isEqualTo(new Augmentation(false, 2));
    }

    @Test
    void constructor_badPadding_fails() {
        assertThatThrownBy(() -> new Augmentation(true, -1))
                .hasMessage("cropPadding must be in [0, 64], was -1");
    }
}
