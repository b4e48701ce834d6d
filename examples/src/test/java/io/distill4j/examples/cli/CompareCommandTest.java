package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.distill4j.data.FaceImage;
import io.distill4j.data.synthetic.FerPlusWriter;
import io.distill4j.data.synthetic.SyntheticFace;
import io.distill4j.data.synthetic.UtkFaceWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny end-to-end runs of the training commands on every data set layout. */
final class CompareCommandTest {

    /** Options that keep a run to seconds: a tiny network, one epoch each. */
    private static final List<String> TINY =
            List.of(
                    "--model-option", "widths=8,16",
                    "--teacher-epochs", "1",
                    "--epochs", "1",
                    "--batch-size", "32");

    private static Cli run(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(TINY);
        all.add("--out");
        all.add(out.toString());
        return Cli.run(all.toArray(new String[0]));
    }

    @Test
    void compare_synthetic_writesTheTableAndResumes(@TempDir Path out) throws Exception {
        Cli first =
                run(
                        out,
                        "compare",
                        "--dataset", "synthetic",
                        "--synthetic-size", "160",
                        "--strategies", "finetune,kd,triplet,kd+triplet,fusion");
        assertThat(first.status).as(first.err).isZero();
        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        for (String row :
                List.of(
                        "| teacher (clean) |",
                        "| teacher (occluded) |",
                        "| fine-tuning |",
                        "| kd |",
                        "| triplet |",
                        "| kd+triplet |",
                        "| fusion |")) {
            assertThat(table).contains(row);
        }
        assertThat(first.out).contains("| Model | Accuracy (%)");
        for (String file :
                List.of(
                        "results.json",
                        "config.json",
                        "curves.csv",
                        "metric.png",
                        "loss-curves.png",
                        "validation-curves.png",
                        "train.log",
                        "teacher/best.json",
                        "runs/kd-seed1/best.json",
                        "runs/kd-seed1/last.json",
                        "runs/kd-seed1/result.json",
                        "predictions/fusion-seed1.csv",
                        "predictions/teacher-occluded-seed1.csv")) {
            assertThat(out.resolve(file)).as(file).exists();
        }
        assertThat(Files.readAllLines(out.resolve("predictions/kd-seed1.csv"))).hasSize(1 + 16);
        assertThat(first.err).contains("teacher cache:");
        // Written for people to read and edit: '=' stays '=', not Gson's \u003d.
        assertThat(Files.readString(out.resolve("config.json"), StandardCharsets.UTF_8))
                .contains("\"model-option\": \"widths=8,16\"");

        // The same run again, from its saved configuration: everything finished is reused.
        Cli second = Cli.run("compare", "--config", out.resolve("config.json").toString());
        assertThat(second.status).as(second.err).isZero();
        assertThat(second.err)
                .contains("teacher: reusing")
                .contains("fine-tuning (seed 1): reusing")
                .contains("kd+triplet (seed 1): reusing")
                .doesNotContain("epoch 1/1");
        assertThat(Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8).lines()
                        .filter(l -> l.startsWith("| "))
                        .toList())
                .isEqualTo(table.lines().filter(l -> l.startsWith("| ")).toList());
    }

    @Test
    void compare_ageRegression_usesErrorsAndWilcoxon(@TempDir Path out) throws Exception {
        Cli cli =
                run(
                        out,
                        "compare",
                        "--dataset", "synthetic",
                        "--task", "age",
                        "--synthetic-size", "120",
                        "--seeds", "2",
                        "--cache", "disk",
                        "--strategies", "finetune,kd,triplet,fusion");
        assertThat(cli.status).as(cli.err).isZero();
        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        assertThat(table).contains("| Model | MAE, mean ± std").contains("Wilcoxon signed-rank");
        // Two seeds: per-seed values and per-seed p-values in every student row.
        assertThat(table.lines().filter(l -> l.startsWith("| kd |")).findFirst().orElseThrow())
                .contains("1: ")
                .contains("2: ");
        assertThat(out.resolve("runs/kd-seed2/result.json")).exists();
        try (var files = Files.list(out.resolve("cache"))) {
            assertThat(files.toList()).hasSize(1);
        }
        assertThat(table).contains("- occlusion: surgical-mask");
        assertThat(table).contains("| fusion |");
    }

    @Test
    void compare_regressionWithClassificationOnlyStrategy_exitsTwo(@TempDir Path out) {
        Cli cli =
                run(out, "compare", "--dataset", "synthetic", "--task", "age",
                        "--strategies", "cross-entropy");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.lines().toList()).hasSize(1);
        assertThat(cli.err).contains("CrossEntropy does not fit a regression task");
    }

    @Test
    void compare_unknownStrategy_listsKnownOnes(@TempDir Path out) {
        Cli cli = run(out, "compare", "--strategies", "finetune,distill-magic");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.lines().toList()).hasSize(1);
        assertThat(cli.err).contains("distill-magic").contains("kd");
    }

    @Test
    void compare_fusionWithoutItsStudents_saysWhatToAdd(@TempDir Path out) {
        Cli cli = run(out, "compare", "--strategies", "finetune,fusion");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: the fusion strategy fuses the kd and triplet students: add kd"
                                + " and triplet to the strategies");
    }

    @Test
    void compare_ferPlusFiles_runsAndEvaluates(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ferplus");
        FerPlusWriter.builder().setDirectory(root).optSizes(120, 24, 24).optSeed(3).write();
        Path out = dir.resolve("out");
        Cli cli =
                run(out, "compare", "--dataset", "ferplus", "--root", root.toString(),
                        "--strategies", "finetune,kd,hint");
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(Files.readString(out.resolve("results.md"))).contains("| kd |").contains("| hint |");

        Cli evaluate =
                Cli.run(
                        "evaluate",
                        "--dataset", "ferplus",
                        "--root", root.toString(),
                        "--checkpoint", out.resolve("runs/kd-seed1/best.json").toString(),
                        "--predictions", dir.resolve("p.csv").toString());
        assertThat(evaluate.status).as(evaluate.err).isZero();
        assertThat(evaluate.out).contains("test clean faces: accuracy").contains("test occluded faces: accuracy");
        assertThat(Files.readAllLines(dir.resolve("p.csv")).get(0)).isEqualTo("index,target,prediction");
    }

    @Test
    void distill_loadedTeacher_studentsTakeItsArchitecture(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ferplus");
        FerPlusWriter.builder().setDirectory(root).optSizes(120, 24, 24).optSeed(4).write();
        Path teacherOut = dir.resolve("teacher-run");
        // Not TINY: train-teacher refuses --epochs (the students'), which it would not use.
        Cli teacher =
                Cli.run(
                        "train-teacher",
                        "--dataset", "ferplus",
                        "--root", root.toString(),
                        "--model-option", "widths=8,16",
                        "--teacher-epochs", "1",
                        "--batch-size", "32",
                        "--out", teacherOut.toString());
        assertThat(teacher.status).as(teacher.err).isZero();
        Path checkpoint = teacherOut.resolve("teacher/best.json");
        assertThat(checkpoint).exists();

        // No --model-option here: the widths come from the loaded teacher's manifest.
        Path out = dir.resolve("out");
        Cli cli =
                Cli.run(
                        "distill",
                        "--dataset", "ferplus",
                        "--root", root.toString(),
                        "--teacher", checkpoint.toString(),
                        "--strategy", "kd",
                        "--epochs", "1",
                        "--batch-size", "32",
                        "--out", out.toString());
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(Files.readString(out.resolve("results.md")))
                .contains("- model: small-cnn {dropout=0.25, embeddingSize=128, widths=8,16}")
                .contains("- epochs: teacher loaded from " + checkpoint + ", students 1")
                .contains("| kd |");
        assertThat(out.resolve("teacher")).doesNotExist();
    }

    @Test
    void distill_utkFaceGender_runsWithTheMask(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("utk");
        UtkFaceWriter.builder().setDirectory(root).optCount(150).optSeed(5).optImageSize(48).write();
        Path out = dir.resolve("out");
        Cli cli =
                run(out, "distill", "--dataset", "utkface", "--root", root.toString(),
                        "--task", "gender", "--strategy", "kd", "--image-size", "48");
        assertThat(cli.status).as(cli.err).isZero();
        String table = Files.readString(out.resolve("results.md"));
        assertThat(table).contains("- occlusion: surgical-mask").contains("| kd |");
    }

    @Test
    void compare_affectNetFiles_runs(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("affectnet");
        Path images = root.resolve("Manually_Annotated_Images");
        Path lists = root.resolve("Manually_Annotated_file_lists");
        Files.createDirectories(images.resolve("1"));
        Files.createDirectories(lists);
        String header =
                "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,"
                        + "expression,valence,arousal";
        List<String> training = new ArrayList<>(List.of(header));
        List<String> validation = new ArrayList<>(List.of(header));
        for (int k = 0; k < 96; k++) {
            SyntheticFace face = SyntheticFace.sample(1000 + k);
            FaceImage image = face.render(48).toChannels(3);
            String name = "1/face" + k + ".jpg";
            ImageIO.write(image.toBufferedImage(), "jpg", images.resolve(name).toFile());
            String row = name + ",0,0,48,48,," + face.expression() + ",0.1,0.2";
            (k < 80 ? training : validation).add(row);
        }
        Files.write(lists.resolve("training.csv"), training);
        Files.write(lists.resolve("validation.csv"), validation);
        Path out = dir.resolve("out");
        Cli cli =
                run(out, "compare", "--dataset", "affectnet", "--root", root.toString(),
                        "--image-size", "48", "--strategies", "finetune,triplet");
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(Files.readString(out.resolve("results.md"))).contains("| triplet |");
    }
}
