package io.distill4j.examples.doctor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import io.distill4j.models.Architectures;
import io.distill4j.models.ConvolutionGuard;
import io.distill4j.models.InputShapes;
import io.distill4j.models.KernelShape;
import io.distill4j.models.NetworkBlock;
import io.distill4j.models.NetworkBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The probe behind {@code distill doctor}, run in the current process (whose oneDNN instruction set
 * was fixed when libtorch loaded): every convolution and pooling the listed architectures build, a
 * sweep of input channel counts, and the batch-norm NaN check, each in float32 against float64.
 *
 * <p>A convolution whose channel count is at risk ({@link ConvolutionGuard#isAtRisk(long)}) is
 * measured twice, computed directly and with zero-padded channels; the row the library uses in this
 * process ({@link ConvolutionGuard#isActive()}) is the one that counts. The verdict ({@link
 * RunResult#pass()}) covers what the library computes: the routes it takes for the architectures'
 * layers, and the batch-norm nets. The sweep maps the engine's kernels and does not count.
 */
public final class Doctor {

    /** The input shape of an architecture listed without one: FER+'s grey 48x48 faces. */
    public static final String DEFAULT_INPUT = "1x48x48";

    /**
     * The architectures probed by default: each at its default widths, small-cnn also at the demo's
     * widths and at widths the README once reported wrong (24, 40, 64); VGG-F, which needs at least
     * 55x55, at AffectNet's 3x112x112.
     */
    public static final List<String> DEFAULT_MODELS =
            List.of(
                    "resnet18",
                    "resnet34",
                    "resnet50",
                    "vgg-face",
                    "vgg-f@3x112x112",
                    "small-cnn",
                    "small-cnn:widths=16,32,64,128",
                    "small-cnn:widths=24,40,64");

    /** The input channel counts of the sweep: every count to 64, then a coarser grid to 512. */
    public static final String DEFAULT_SWEEP =
            "1-64,72,80,88,96,104,112,120,128,144,160,176,192,200,224,256,288,320,384,448,500,512";

    /** The sweep's output channels. */
    public static final int SWEEP_FILTERS = 64;

    /** The sweep's image side. */
    public static final int SWEEP_SIZE = 12;

    /** The group of the architectures' layers. */
    public static final String MODELS = "models";

    /** The group of the channel sweep. */
    public static final String SWEEP = "sweep";

    /** The group of the batch-norm net's layers. */
    public static final String BN_NET = "bn-net";

    private Doctor() {}

    /**
     * What to probe.
     *
     * @param models architecture specs, {@code name[:key=value;key=value][@CxHxW]}
     * @param batches the batch sizes
     * @param sweep the sweep's input channel counts (may be empty)
     * @param nanRuns the training runs of each batch-norm net (0 to skip)
     * @param tolerance the largest relative error that passes
     * @param seed the seed of the random arrays
     */
    public record Settings(
            List<String> models,
            List<Integer> batches,
            List<Integer> sweep,
            int nanRuns,
            double tolerance,
            int seed) {

        /**
         * Validates the components.
         *
         * @param models the architecture specs
         * @param batches the batch sizes
         * @param sweep the sweep
         * @param nanRuns the NaN runs
         * @param tolerance the tolerance
         * @param seed the seed
         */
        public Settings {
            models = List.copyOf(models);
            batches = List.copyOf(batches);
            sweep = List.copyOf(sweep);
            if (nanRuns < 0) {
                throw new IllegalArgumentException(
                        Checks.format("nanRuns must be >= 0, was %d", nanRuns));
            }
            for (int c : sweep) {
                if (c < 1 || c > 4096) {
                    throw new IllegalArgumentException(
                            Checks.format("sweep channel counts must be in [1, 4096], was %d", c));
                }
            }
            new KernelProbe(batches, tolerance, seed);
            for (String model : models) {
                build(model);
            }
        }
    }

    /**
     * Builds the block an architecture spec names.
     *
     * @param spec {@code name[:key=value;key=value][@CxHxW]}, such as {@code
     *     small-cnn:widths=24,40,64@1x48x48}
     * @return the block (uninitialized)
     * @throws IllegalArgumentException naming what is wrong with the spec
     */
    public static NetworkBlock build(String spec) {
        Objects.requireNonNull(spec, "spec");
        String rest = spec.trim();
        String input = DEFAULT_INPUT;
        int at = rest.indexOf('@');
        if (at >= 0) {
            input = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        int colon = rest.indexOf(':');
        NetworkBuilder<?> builder =
                Architectures.builder(colon >= 0 ? rest.substring(0, colon) : rest);
        if (colon >= 0) {
            for (String option : rest.substring(colon + 1).split(";")) {
                int eq = option.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "model option '%s' in '%s' must be key=value", option, spec));
                }
                builder.optOption(option.substring(0, eq).trim(), option.substring(eq + 1));
            }
        }
        Shape shape = InputShapes.parse(input);
        return builder.setInputShape(shape).setTask(Task.classification(8)).build();
    }

    /**
     * Parses channel counts such as {@code 1-64,72,80}; {@code none} is the empty list.
     *
     * @param text the counts: values and inclusive ranges, comma separated
     * @return the counts, ascending, without repeats
     * @throws IllegalArgumentException naming the part that is not a count or range
     */
    public static List<Integer> parseChannels(String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("none")) {
            return List.of();
        }
        TreeSet<Integer> counts = new TreeSet<>();
        for (String part : trimmed.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                if (dash > 0) {
                    int low = Integer.parseInt(p.substring(0, dash).trim());
                    int high = Integer.parseInt(p.substring(dash + 1).trim());
                    if (low > high) {
                        throw new NumberFormatException();
                    }
                    for (int c = low; c <= high; c++) {
                        counts.add(c);
                    }
                } else {
                    counts.add(Integer.parseInt(p));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "'%s' in '%s' is not a channel count or a range such as 1-64",
                                p, text),
                        e);
            }
        }
        return List.copyOf(counts);
    }

    /**
     * The sweep's convolution for one input channel count: 3x3, stride 1, padding 1, {@value
     * #SWEEP_FILTERS} filters, no bias, on {@value #SWEEP_SIZE}x{@value #SWEEP_SIZE} maps.
     *
     * @param channels the input channels
     * @return the kernel
     */
    public static KernelShape sweepKernel(int channels) {
        return new KernelShape(
                "sweep",
                KernelShape.Kind.CONVOLUTION,
                new Shape(channels, SWEEP_SIZE, SWEEP_SIZE),
                SWEEP_FILTERS,
                new Shape(3, 3),
                new Shape(1, 1),
                new Shape(1, 1),
                false,
                false);
    }

    /**
     * The batch-norm nets' convolutions and pooling (see {@link BatchNormNanCheck}).
     *
     * @return the kernels
     */
    public static List<KernelShape> bnNetKernels() {
        Shape three = new Shape(3, 3);
        Shape one = new Shape(1, 1);
        return List.of(
                new KernelShape(
                        "conv1",
                        KernelShape.Kind.CONVOLUTION,
                        new Shape(1, 12, 12),
                        4,
                        three,
                        one,
                        one,
                        false,
                        true),
                new KernelShape(
                        "pool",
                        KernelShape.Kind.MAX_POOL,
                        new Shape(4, 12, 12),
                        4,
                        new Shape(2, 2),
                        new Shape(2, 2),
                        new Shape(0, 0),
                        false,
                        false),
                new KernelShape(
                        "conv2",
                        KernelShape.Kind.CONVOLUTION,
                        new Shape(4, 6, 6),
                        8,
                        three,
                        one,
                        one,
                        false,
                        true));
    }

    /**
     * Runs the probe in this process.
     *
     * @param settings what to probe
     * @param progress receives one line per finished part
     * @return the results
     */
    public static RunResult run(Settings settings, Consumer<String> progress) {
        KernelProbe probe =
                new KernelProbe(settings.batches(), settings.tolerance(), settings.seed());
        boolean guard = ConvolutionGuard.isActive();
        List<Row> rows = new ArrayList<>();
        Map<String, Use> uses = new LinkedHashMap<>();
        for (String spec : settings.models()) {
            NetworkBlock block = build(spec);
            String label = label(spec);
            for (KernelShape kernel : KernelShape.of(block)) {
                uses.computeIfAbsent(key(kernel), k -> new Use(kernel)).add(label);
            }
        }
        for (Use use : uses.values()) {
            measure(probe, MODELS, use.kernel, use.describe(), true, guard, rows);
        }
        progress.accept(Checks.format("%d kernels of the architectures", uses.size()));
        for (KernelShape kernel : bnNetKernels()) {
            measure(
                    probe,
                    BN_NET,
                    kernel,
                    "TorchScript BN net " + kernel.layer(),
                    false,
                    guard,
                    rows);
        }
        for (int channels : settings.sweep()) {
            measure(probe, SWEEP, sweepKernel(channels), "", false, guard, rows);
        }
        progress.accept(Checks.format("%d channel counts of the sweep", settings.sweep().size()));
        List<BatchNormNanCheck.Result> nets = new ArrayList<>();
        if (settings.nanRuns() > 0) {
            for (String net : BatchNormNanCheck.NETS) {
                nets.add(BatchNormNanCheck.run(net, settings.nanRuns(), settings.seed()));
            }
            progress.accept(Checks.format("%d runs of each batch-norm net", settings.nanRuns()));
        }
        return new RunResult(
                cpuModel(),
                Engine.getInstance().getVersion(),
                ConvolutionGuard.avx512KernelsPossible(),
                guard,
                ConvolutionGuard.mode().name().toLowerCase(java.util.Locale.ROOT),
                probe.tolerance(),
                settings.batches(),
                rows,
                nets);
    }

    /** The model name of the first processor in /proc/cpuinfo, or empty. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        return "";
    }

    private static void measure(
            KernelProbe probe,
            String group,
            KernelShape kernel,
            String usedBy,
            boolean counts,
            boolean guard,
            List<Row> rows) {
        String input = InputShapes.format(kernel.input());
        if (kernel.isAtRisk()) {
            rows.add(
                    new Row(
                            group,
                            kernel.describe(),
                            input,
                            "direct",
                            true,
                            !guard,
                            counts && !guard,
                            usedBy,
                            probe.measure(kernel, false)));
            rows.add(
                    new Row(
                            group,
                            kernel.describe(),
                            input,
                            paddedRoute(kernel),
                            true,
                            guard,
                            counts && guard,
                            usedBy,
                            probe.measure(kernel, true)));
        } else {
            rows.add(
                    new Row(
                            group,
                            kernel.describe(),
                            input,
                            "direct",
                            false,
                            true,
                            counts,
                            usedBy,
                            probe.measure(kernel, false)));
        }
    }

    private static String paddedRoute(KernelShape kernel) {
        return Checks.format(
                "padded %d -> %d",
                ConvolutionGuard.paddedChannels(kernel.input().get(0)),
                ConvolutionGuard.paddedChannels(kernel.outChannels()));
    }

    private static String key(KernelShape kernel) {
        return kernel.describe() + " @ " + InputShapes.format(kernel.input());
    }

    /** A spec as a short label: {@code small-cnn 24,40,64}, the input only if not the default. */
    static String label(String spec) {
        String s = spec.trim();
        String input = "";
        int at = s.indexOf('@');
        if (at >= 0) {
            input = s.substring(at + 1).trim();
            s = s.substring(0, at);
            if (input.equals(DEFAULT_INPUT)) {
                input = "";
            }
        }
        s = s.replace(":widths=", " ").replace(":", " ").replace(";", " ");
        return input.isEmpty() ? s : s + " @" + input;
    }

    /** The models and layer counts using one kernel. */
    private static final class Use {

        private final KernelShape kernel;
        private final Map<String, Integer> counts = new LinkedHashMap<>();

        Use(KernelShape kernel) {
            this.kernel = kernel;
        }

        void add(String label) {
            counts.merge(label, 1, Integer::sum);
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            counts.forEach((label, n) -> parts.add(n == 1 ? label : label + " x" + n));
            return String.join(", ", parts);
        }
    }

    /**
     * One measured route of one kernel.
     *
     * @param group {@link #MODELS}, {@link #BN_NET} or {@link #SWEEP}
     * @param kernel the kernel's description
     * @param input the per-image input shape, {@code CxHxW}
     * @param route {@code direct}, or {@code padded C -> F} for zero-padded channels
     * @param atRisk whether the kernel's channel counts are at risk
     * @param used whether the library computes the kernel this way in this process
     * @param counts whether the row counts for the verdict (a route the library uses for a layer it
     *     builds)
     * @param usedBy the architectures using the kernel (with the number of layers), or empty
     * @param error the worst error
     */
    public record Row(
            String group,
            String kernel,
            String input,
            String route,
            boolean atRisk,
            boolean used,
            boolean counts,
            String usedBy,
            KernelProbe.Error error) {

        /**
         * Validates the components.
         *
         * @param group the group
         * @param kernel the kernel
         * @param input the input shape
         * @param route the route
         * @param atRisk whether at risk
         * @param used whether used
         * @param counts whether it counts
         * @param usedBy the users
         * @param error the error
         */
        public Row {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(usedBy, "usedBy");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * The results of one process.
     *
     * @param cpu the processor's model name, or empty if unknown
     * @param engineVersion libtorch's version
     * @param avx512Possible whether oneDNN may use AVX-512 kernels here
     * @param guardActive whether at-risk convolutions are padded here
     * @param guardMode the guard's mode ({@code auto}, {@code on}, {@code off})
     * @param tolerance the largest relative error that passes
     * @param batches the batch sizes
     * @param rows the kernels' rows
     * @param nets the batch-norm nets' results
     */
    public record RunResult(
            String cpu,
            String engineVersion,
            boolean avx512Possible,
            boolean guardActive,
            String guardMode,
            double tolerance,
            List<Integer> batches,
            List<Row> rows,
            List<BatchNormNanCheck.Result> nets) {

        /**
         * Validates the components.
         *
         * @param cpu the processor
         * @param engineVersion the version
         * @param avx512Possible whether AVX-512 is possible
         * @param guardActive whether the guard pads
         * @param guardMode the mode
         * @param tolerance the tolerance
         * @param batches the batches
         * @param rows the rows
         * @param nets the nets
         */
        public RunResult {
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(engineVersion, "engineVersion");
            Objects.requireNonNull(guardMode, "guardMode");
            batches = List.copyOf(batches);
            rows = List.copyOf(rows);
            nets = List.copyOf(nets);
        }

        /**
         * Returns the rows that count and fail: layers the library builds, computed the way it
         * computes them here, that do not match float64.
         *
         * @return the failing rows
         */
        public List<Row> failures() {
            return rows.stream().filter(r -> r.counts() && !r.error().pass()).toList();
        }

        /**
         * Returns whether everything the library computes matched float64 and no batch-norm net saw
         * a NaN or infinite gradient.
         *
         * @return true if so
         */
        public boolean pass() {
            return failures().isEmpty() && nets.stream().allMatch(BatchNormNanCheck.Result::pass);
        }
    }
}
