package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.fer.FerPlus;
import io.distill4j.data.synthetic.FerPlusWriter;
import io.distill4j.data.synthetic.SyntheticFaces;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

final class DatasetStatsTest {

    @TempDir Path dir;

    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\n"));
    }

    @Test
    void render_endsWithOneLinePerSplit() throws IOException {
        FerPlusWriter.builder()
                .setDirectory(dir)
                .optSizes(120, 30, 20)
                .optUnnamedFraction(0.05f)
                .write();
        // one bad row, skipped
        Path images = dir.resolve("fer2013.csv");
        List<String> rows = Files.readAllLines(images);
        rows.set(5, rows.get(5).replace(",Training", ",Trainig"));
        Files.write(images, rows);
        FaceDataSource fer =
                DataSources.open(
                        "ferplus", dir, DataOptions.defaults().withOnBadRecord(OnBadRecord.SKIP));
        DatasetStats stats = DatasetStats.compute(fer);
        List<String> text = lines(stats.render());

        int n = text.size();
        assertThat(text.subList(n - 3, n))
                .containsExactly(
                        "train: " + fer.split(Usage.TRAIN).size(),
                        "validation: " + fer.split(Usage.VALIDATION).size(),
                        "test: " + fer.split(Usage.TEST).size());
        assertThat(stats.render()).endsWith("\n");
        assertThat(text.get(0)).isEqualTo("dataset: ferplus");
        assertThat(text)
                .contains(
                        "skipped records: 1 (on bad record: skip)",
                        "  "
                                + images
                                + " line 6: unknown Usage 'Trainig', expected Training,"
                                + " PublicTest or PrivateTest");
        assertThat(text).anyMatch(l -> l.startsWith("loaded in "));
        assertThat(text)
                .anyMatch(l -> l.startsWith("  excluded: ") && l.contains(FerPlus.NO_IMAGE_NAME));
        for (Usage u : DatasetStats.SPLITS) {
            assertThat(Arrays.stream(stats.counts(u)).sum()).isEqualTo(fer.split(u).size());
        }
        assertThat(fer.split(Usage.TRAIN).size()).isLessThan(119);
    }

    @Test
    void render_regression_showsTheAgeHistogram() {
        SyntheticFaces faces =
                SyntheticFaces.builder()
                        .optAttribute(FaceAttribute.AGE)
                        .optSizes(200, 20, 20)
                        .build();
        DatasetStats stats = DatasetStats.compute(faces);
        long[] histogram = stats.counts(Usage.TRAIN);
        assertThat(Arrays.stream(histogram).sum()).isEqualTo(200);
        long under10 = 0;
        for (int i = 0; i < 200; i++) {
            if (faces.split(Usage.TRAIN).target(i)[0] < 10) {
                under10++;
            }
        }
        assertThat(histogram[0]).isEqualTo(under10);
        assertThat(stats.render()).contains("  ages: 0-9 " + under10 + ", 10-19 ");
        assertThat(lines(stats.render())).endsWith("train: 200", "validation: 20", "test: 20");
    }
}
