package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.training.dataset.Dataset.Usage;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.data.ChannelStatistics;
import io.distill4j.data.synthetic.SyntheticFaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --input-norm}: what the teacher's checkpoint records, and the report says. */
final class InputNormalizationTest {

    private static JsonObject normalization(Path out) throws Exception {
        JsonObject manifest =
                JsonParser.parseString(
                                Files.readString(
                                        out.resolve("teacher/best.json"), StandardCharsets.UTF_8))
                        .getAsJsonObject();
        return manifest.getAsJsonObject("normalization");
    }

    private static Cli trainTeacher(Path out, String... extra) {
        String[] base = {
            "train-teacher", "--dataset", "synthetic", "--synthetic-size", "120",
            "--model-option", "widths=8,16", "--teacher-epochs", "1", "--batch-size", "32",
            "--out", out.toString()
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Cli.run(all);
    }

    @Test
    void trainTeacher_default_recordsTheTrainingImagesStatistics(@TempDir Path out)
            throws Exception {
        Cli cli = trainTeacher(out);
        assertThat(cli.status).as(cli.err).isZero();
        JsonObject n = normalization(out);
        JsonArray mean = n.getAsJsonArray("mean");
        JsonArray std = n.getAsJsonArray("std");
        assertThat(mean).hasSize(1);
        // The same statistics computed directly from the synthetic source's training split.
        SyntheticFaces faces = SyntheticFaces.builder().optSizes(120, 0, 0).build();
        ChannelStatistics expected =
                ChannelStatistics.of(faces.split(Usage.TRAIN), 1, 48, 48, 25_000);
        assertThat(cli.err).contains("input normalization: mean [");
        assertThat(mean.get(0).getAsFloat()).isCloseTo(expected.mean()[0], within(1e-6f));
        assertThat(std.get(0).getAsFloat()).isCloseTo(expected.std()[0], within(1e-6f));
        assertThat(std.get(0).getAsFloat()).isGreaterThan(0.01f);
    }

    @Test
    void trainTeacher_none_recordsNoNormalization(@TempDir Path out) throws Exception {
        Cli cli = trainTeacher(out, "--input-norm", "none");
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(normalization(out).getAsJsonArray("mean")).isEmpty();
    }

    @Test
    void trainTeacher_explicitValues_recordsThem(@TempDir Path out) throws Exception {
        Cli cli = trainTeacher(out, "--input-norm", "0.5/0.25");
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(normalization(out).getAsJsonArray("mean").get(0).getAsFloat()).isEqualTo(0.5f);
        assertThat(normalization(out).getAsJsonArray("std").get(0).getAsFloat()).isEqualTo(0.25f);
    }

    @Test
    void trainTeacher_badValue_exitsTwoNamingTheForms(@TempDir Path out) {
        Cli cli = trainTeacher(out, "--input-norm", "imagenet");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.strip())
                .isEqualTo(
                        "distill: input normalization must be dataset, none or MEAN/STD values"
                                + " (e.g. 0.5/0.25, or 0.485,0.456,0.406/0.229,0.224,0.225), was"
                                + " 'imagenet'");
    }
}
