package io.distill4j.examples.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;

import io.distill4j.models.KernelShape;

import org.junit.jupiter.api.Test;

import java.util.List;

final class DoctorTest {

    @Test
    void parseChannels_valuesAndRanges_sortedOnce() {
        assertThat(Doctor.parseChannels("5, 1-3,2,64")).containsExactly(1, 2, 3, 5, 64);
        assertThat(Doctor.parseChannels(" none ")).isEmpty();
        assertThat(Doctor.parseChannels(Doctor.DEFAULT_SWEEP))
                .hasSize(85)
                .startsWith(1, 2)
                .endsWith(500, 512);
    }

    @Test
    void parseChannels_backwardsRange_refused() {
        assertThatThrownBy(() -> Doctor.parseChannels("1,9-3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'9-3' in '1,9-3' is not a channel count or a range such as 1-64");
    }

    @Test
    void label_shortFormOfSpec() {
        assertThat(Doctor.label("small-cnn:widths=24,40,64")).isEqualTo("small-cnn 24,40,64");
        assertThat(Doctor.label("vgg-f@3x112x112")).isEqualTo("vgg-f @3x112x112");
        assertThat(Doctor.label("resnet18:baseWidth=32@1x48x48"))
                .isEqualTo("resnet18 baseWidth=32");
    }

    @Test
    void build_specWithOptionsAndInput() {
        assertThat(Doctor.build("small-cnn:widths=24,40;dropout=0@1x16x16").getInputShape())
                .isEqualTo(new Shape(1, 16, 16));
        assertThat(Doctor.build("resnet18").getInputShape()).isEqualTo(new Shape(1, 48, 48));
        assertThatThrownBy(() -> Doctor.build("small-cnn:depth=3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown option 'depth' for small-cnn; known options: [dropout,"
                                + " embeddingSize, widths]");
    }

    @Test
    void sweepKernel_3x3To64On12x12() {
        KernelShape k = Doctor.sweepKernel(24);
        assertThat(k.describe()).isEqualTo("conv 3x3/1 pad 1, 24 -> 64, no bias");
        assertThat(k.input()).isEqualTo(new Shape(24, 12, 12));
        assertThat(k.isAtRisk()).isTrue();
        assertThat(Doctor.sweepKernel(32).isAtRisk()).isFalse();
    }

    @Test
    void verdict_failuresNamed() {
        Doctor.Row bad =
                new Doctor.Row(
                        Doctor.MODELS,
                        "conv 3x3/1 pad 1, 24 -> 40, no bias",
                        "24x24x24",
                        "direct",
                        true,
                        true,
                        true,
                        "small-cnn 24,40,64",
                        new KernelProbe.Error(64, "dW", 4.1, 0.16, false));
        Doctor.Row sweep =
                new Doctor.Row(
                        Doctor.SWEEP,
                        "conv 3x3/1 pad 1, 24 -> 64, no bias",
                        "24x12x12",
                        "direct",
                        true,
                        true,
                        false,
                        "",
                        new KernelProbe.Error(2, "output", 3.9, 0.15, false));
        Doctor.RunResult result =
                new Doctor.RunResult(
                        "AMD EPYC",
                        "2.7.1",
                        true,
                        false,
                        "off",
                        1e-3,
                        List.of(2, 64),
                        List.of(bad, sweep),
                        List.of(
                                new BatchNormNanCheck.Result(
                                        "bn_net_traced.pt", 260, 13, List.of("bn1.weight"))));
        assertThat(result.pass()).isFalse();
        assertThat(result.failures()).containsExactly(bad);
        assertThat(DoctorReport.verdict(result))
                .isEqualTo(
                        "FAIL: conv 3x3/1 pad 1, 24 -> 40, no bias on 24x24x24 (direct; small-cnn"
                            + " 24,40,64) is off by 0.160 relative in dW at batch 64;"
                            + " bn_net_traced.pt had NaN or infinite gradients in 13 of 260 runs");
        String report =
                DoctorReport.render(
                        List.of(new DoctorReport.Run("ONEDNN_MAX_CPU_ISA unset", "", result)));
        assertThat(report)
                .startsWith("float32 against float64 on AMD EPYC, libtorch 2.7.1, batches 2, 64.")
                .contains(
                        "- A: ONEDNN_MAX_CPU_ISA unset; oneDNN: (not reported); convolution guard"
                            + " off (off)")
                .contains("| 4.1e+00 (b64 dW) | 1.6e-01 | **FAIL** (used) |")
                .contains("| bn_net_traced.pt | 13 of 260 (bn1.weight) |");
    }

    @Test
    void errorOrdering_failureThenLargerThenNaN() {
        KernelProbe.Error small = new KernelProbe.Error(1, "output", 1e-6, 1e-7, true);
        KernelProbe.Error large = new KernelProbe.Error(2, "dX", 1e-4, 1e-5, true);
        KernelProbe.Error failed = new KernelProbe.Error(2, "dW", 1e-2, 2e-3, false);
        KernelProbe.Error nan = new KernelProbe.Error(64, "dW", Double.NaN, Double.NaN, false);
        assertThat(large.worseThan(small)).isTrue();
        assertThat(failed.worseThan(large)).isTrue();
        assertThat(large.worseThan(failed)).isFalse();
        assertThat(nan.worseThan(failed)).isTrue();
        assertThat(failed.worseThan(nan)).isFalse();
    }
}
