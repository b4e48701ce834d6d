package io.distill4j.data.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.FaceSplit;
import io.distill4j.data.fer.FerPlus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

final class FerPlusWriterTest {

    @TempDir Path dir;

    /** The FER+ majority rule, written again here independently of the adapter. */
    private static int majority(int[] votes) {
        int[] v = votes.clone();
        int sum = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] <= 1) {
                v[i] = 0;
            }
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            if (2 * v[i] > sum) {
                return i < 8 ? i : -1;
            }
        }
        return -1;
    }

    @Test
    void write_readByFerPlus_givesTheLabelsTheVotesImply() throws IOException {
        FerPlusWriter.Summary summary =
                FerPlusWriter.builder()
                        .setDirectory(dir)
                        .optSizes(200, 40, 40)
                        .optSeed(5)
                        .optUnnamedFraction(0.05f)
                        .write();
        assertThat(summary.totalRows()).isEqualTo(280);

        // expected labels from the label file, parsed with String.split
        List<String> lines = Files.readAllLines(summary.labelFile(), StandardCharsets.US_ASCII);
        assertThat(lines.get(0))
                .isEqualTo(
                        "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,"
                                + "contempt,unknown,NF");
        Map<Usage, List<Integer>> expected = new EnumMap<>(Usage.class);
        Map<Usage, Integer> unnamed = new EnumMap<>(Usage.class);
        Map<String, Usage> usages =
                Map.of(
                        "Training",
                        Usage.TRAIN,
                        "PublicTest",
                        Usage.VALIDATION,
                        "PrivateTest",
                        Usage.TEST);
        Map<Usage, Integer> position = new EnumMap<>(Usage.class);
        for (int row = 1; row < lines.size(); row++) {
            String[] f = lines.get(row).split(",", -1);
            assertThat(f).hasSize(12);
            Usage usage = usages.get(f[0]);
            int i = position.merge(usage, 1, Integer::sum) - 1;
            int[] votes = new int[10];
            for (int k = 0; k < 10; k++) {
                votes[k] = Integer.parseInt(f[k + 2]);
            }
            if (f[1].isEmpty()) {
                unnamed.merge(usage, 1, Integer::sum);
                continue;
            }
            assertThat(f[1])
                    .isEqualTo(String.format(java.util.Locale.ROOT, "fer%07d.png", row - 1));
            assertThat(votes).isEqualTo(SyntheticFaces.face(5, usage, i).votes());
            int label = majority(votes);
            if (label >= 0) {
                expected.computeIfAbsent(usage, u -> new ArrayList<>()).add(label);
            }
        }
        assertThat(unnamed).isEqualTo(summary.unnamed());
        assertThat(unnamed.values().stream().mapToInt(Integer::intValue).sum()).isPositive();

        FerPlus fer = FerPlus.builder().setRoot(dir).load();
        for (Usage usage : List.of(Usage.TRAIN, Usage.VALIDATION, Usage.TEST)) {
            FaceSplit split = fer.split(usage);
            List<Integer> actual = new ArrayList<>();
            for (int i = 0; i < split.size(); i++) {
                actual.add(split.classIndex(i));
            }
            assertThat(actual).as("%s", usage).isEqualTo(expected.get(usage));
            assertThat(fer.report().excluded(usage).getOrDefault(FerPlus.NO_IMAGE_NAME, 0L))
                    .isEqualTo((long) summary.unnamed().get(usage));
        }
        assertThat(fer.report().skipped()).isEmpty();
    }

    @Test
    void write_firstNamedRow_holdsTheRenderedFace() throws IOException {
        FerPlusWriter.builder().setDirectory(dir).optSizes(3, 0, 0).optUnnamedFraction(0f).write();
        FerPlus fer =
                FerPlus.builder()
                        .setRoot(dir)
                        .optLabelMode(io.distill4j.data.fer.FerLabelMode.PROBABILITY)
                        .load();
        float[] written = fer.split(Usage.TRAIN).image(0).pixels();
        float[] rendered = SyntheticFaces.face(42, Usage.TRAIN, 0).render(48).pixels();
        for (int i = 0; i < written.length; i++) {
            assertThat(written[i]).isEqualTo(Math.round(rendered[i] * 255f) / 255f);
        }
    }

    @Test
    void write_olderFormat_hasNoImageNameColumn() throws IOException {
        FerPlusWriter.Summary summary =
                FerPlusWriter.builder()
                        .setDirectory(dir)
                        .optSizes(20, 5, 5)
                        .optImageNames(false)
                        .write();
        assertThat(Files.readAllLines(summary.labelFile()).get(0))
                .isEqualTo(
                        "Usage,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,"
                                + "unknown,NF");
        FerPlus fer = FerPlus.builder().setRoot(dir).load();
        assertThat(fer.report().excluded(Usage.TRAIN)).doesNotContainKey(FerPlus.NO_IMAGE_NAME);
        assertThat(summary.unnamed().values()).containsOnly(0);
    }
}
