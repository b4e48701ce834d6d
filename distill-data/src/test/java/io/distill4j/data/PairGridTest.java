package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

final class PairGridTest {

    @TempDir Path dir;

    @Test
    void write_drawsCleanAndOccludedSideBySide() throws IOException {
        SyntheticFaces faces = SyntheticFaces.builder().optSizes(10, 1, 1).build();
        PairedViewDataset ds =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .optOcclusion(Occlusions.vrHeadset())
                        .setSampling(4, false)
                        .build();
        Path png = dir.resolve("out/grid.png");
        PairGrid.write(ds, 6, png);
        BufferedImage grid = ImageIO.read(png.toFile());

        // 48-pixel views are enlarged twice: pairs of 2 * 96 + 2 pixels, 4 per row, 2 rows
        assertThat(PairGrid.scaleFor(48)).isEqualTo(2);
        assertThat(grid.getWidth()).isEqualTo(10 + 4 * (194 + 10));
        assertThat(grid.getHeight()).isEqualTo(10 + 2 * (96 + 10));
        PairedView second = ds.view(1);
        int x0 = 10 + 204; // second pair
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                int clean = grid.getRGB(x0 + 2 * x + 1, 10 + 2 * y) & 0xFF;
                int occluded = grid.getRGB(x0 + 98 + 2 * x, 10 + 2 * y + 1) & 0xFF;
                assertThat(clean).isEqualTo(Math.round(second.clean().get(0, y, x) * 255f));
                assertThat(occluded).isEqualTo(y < 24 ? 0 : clean);
            }
        }
        // the unused cells of the second row stay white
        assertThat(grid.getRGB(grid.getWidth() - 20, grid.getHeight() - 20) & 0xFFFFFF)
                .isEqualTo(0xFFFFFF);
    }

    @Test
    void render_badCount_fails() {
        SyntheticFaces faces = SyntheticFaces.builder().optSizes(1, 1, 1).build();
        PairedViewDataset ds =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .setSampling(1, false)
                        .build();
        assertThatThrownBy(() -> PairGrid.render(ds, 0)).hasMessage("n must be > 0, was 0");
    }
}
