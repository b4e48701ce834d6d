package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.distill4j.models.ConvolutionGuard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

final class DoctorCommandTest {

    @TempDir Path dir;

    /** One child JVM with this environment: the tables, the routes and the verdict. */
    @Test
    void doctor_smallProbe_tablesAndPass() {
        Cli cli =
                Cli.run(
                        "doctor",
                        "--isa",
                        "current",
                        "--model",
                        "small-cnn:widths=24,40@1x16x16",
                        "--batches",
                        "2",
                        "--sweep",
                        "24,32",
                        "--nan-runs",
                        "2");
        assertThat(cli.status).as(cli.err + cli.out).isZero();
        String guard = ConvolutionGuard.avx512KernelsPossible() ? "on" : "off";
        assertThat(cli.out)
                .contains(
                        ", libtorch 2.7.1, batches 2. A kernel passes when every array of every"
                            + " batch is finite")
                .contains("- A: ONEDNN_MAX_CPU_ISA ")
                .contains("; convolution guard " + guard + " (auto)")
                .contains("### Layers of the architectures")
                .contains(
                        "| conv 3x3/1 pad 1, 24 -> 40, no bias | 24x8x8 | direct | small-cnn 24,40"
                            + " @1x16x16 |")
                .contains(
                        "| conv 3x3/1 pad 1, 24 -> 40, no bias | 24x8x8 | padded 32 -> 48 |"
                            + " small-cnn 24,40 @1x16x16 |")
                .contains("| max pool 2x2/2 | 24x16x16 | direct | small-cnn 24,40 @1x16x16 |")
                .contains(
                        "| conv 3x3/1 pad 1, 4 -> 8 | 4x6x6 | direct | TorchScript BN net conv2 |")
                .contains("| bn_net_traced.pt | 0 of 2 |")
                .contains("| bn_net_scripted.pt | 0 of 2 |")
                .contains("| 24 | padded 32 -> 64 |")
                .contains("| 32 | direct |")
                .contains(
                        "- A: pass: every layer the architectures build, computed as the library"
                            + " computes it here, matches float64; no NaN or infinite gradient");
        // The route the library takes is marked on the at-risk rows.
        String usedRoute = guard.equals("on") ? "padded 32 -> 48" : "direct";
        assertThat(cli.out.lines())
                .anyMatch(
                        l ->
                                l.contains("24 -> 40")
                                        && l.contains(usedRoute)
                                        && l.endsWith("pass (used) |"));
    }

    /** In-process (the child's mode): a tolerance nothing meets gives exit status 3. */
    @Test
    void doctor_childTolerance1e30_exitsWrong() throws Exception {
        Path results = dir.resolve("results.json");
        Cli cli =
                Cli.run(
                        "doctor",
                        "--child",
                        results.toString(),
                        "--model",
                        "small-cnn:widths=8@1x8x8",
                        "--batches",
                        "2",
                        "--sweep",
                        "none",
                        "--nan-runs",
                        "0",
                        "--tolerance",
                        "1e-30");
        assertThat(cli.status).as(cli.err).isEqualTo(DoctorCommand.WRONG);
        assertThat(Files.readString(results))
                .contains("\"kernel\":\"conv 3x3/1 pad 1, 1 -> 8, no bias\"")
                .contains("\"pass\":false");
    }

    @Test
    void doctor_badBatches_oneLine() {
        Cli cli = Cli.run("doctor", "--batches", "2,0");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo("distill: batches must be one or more sizes >= 1, was [2, 0]");
    }

    @Test
    void doctor_badSweep_oneLine() {
        Cli cli = Cli.run("doctor", "--sweep", "1-x");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: '1-x' in '1-x' is not a channel count or a range such as 1-64");
    }

    @Test
    void doctor_unknownModel_listsKnown() {
        Cli cli = Cli.run("doctor", "--model", "alexnet");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .startsWith(
                        "distill: unknown architecture 'alexnet'; known architectures: resnet18");
    }

    @Test
    void doctor_badModelOption_oneLine() {
        Cli cli = Cli.run("doctor", "--model", "small-cnn:widths");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: model option 'widths' in 'small-cnn:widths' must be key=value");
    }

    @Test
    void doctor_badIsa_oneLine() {
        Cli cli = Cli.run("doctor", "--isa", "AVX 2", "--sweep", "none", "--nan-runs", "0");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: --isa value 'AVX 2' must be current or a value of"
                                + " ONEDNN_MAX_CPU_ISA such as AVX2");
    }
}
