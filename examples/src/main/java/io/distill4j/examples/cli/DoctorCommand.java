package io.distill4j.examples.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import io.distill4j.core.Checks;
import io.distill4j.examples.doctor.Doctor;
import io.distill4j.examples.doctor.DoctorReport;
import io.distill4j.examples.doctor.KernelProbe;
import io.distill4j.models.ConvolutionGuard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distill doctor}: checks libtorch's convolutions and poolings on this machine, in float32
 * against float64, for every layer the architectures build, under each oneDNN instruction set
 * asked for (one child JVM each, since oneDNN reads {@code ONEDNN_MAX_CPU_ISA} when libtorch
 * loads).
 *
 * <p>Exit status: 0 when everything the library computes matches float64 under the instruction set
 * in use (this process's environment), 3 when something does not (the verdict names it), 2 for
 * bad options, 1 for an internal error.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Checks libtorch's convolutions and poolings on this machine: float32 against float64"
                    + " for every layer the architectures build (output, gradients with respect to"
                    + " the input and the weights; batches 1, 2 and 64), a sweep of input channel"
                    + " counts, and NaN gradients in a tiny batch-norm net; under each oneDNN"
                    + " instruction set asked for, one JVM each. Prints Markdown tables.",
            "Exit status 3 when something the library computes is wrong under the instruction"
                    + " set in use."
        })
public final class DoctorCommand implements Callable<Integer> {

    /** The exit status when the library computes something wrong. */
    public static final int WRONG = 3;

    /** The {@code --isa} value for this process's environment, unchanged. */
    public static final String CURRENT = "current";

    private static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    private static final String MAIN = "io.distill4j.examples.cli.DistillCli";
    private static final Gson GSON =
            new GsonBuilder()
                    .serializeSpecialFloatingPointValues()
                    .disableHtmlEscaping()
                    .setStrictness(Strictness.LENIENT)
                    .create();

    @Option(names = "--model", paramLabel = "SPEC", description = "an architecture to probe, name[:key=value;...][@CxHxW] (repeatable; default: resnet18, resnet34, resnet50, vgg-face, vgg-f@3x112x112, small-cnn at its default widths, at 16,32,64,128 and at 24,40,64; input 1x48x48 unless given)")
    List<String> models;

    @Option(names = "--batches", split = ",", defaultValue = "1,2,64", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--sweep", defaultValue = Doctor.DEFAULT_SWEEP, description = "input channel counts of the 3x3 sweep, values and ranges, or none (default: ${DEFAULT-VALUE})")
    String sweep;

    @Option(names = "--nan-runs", defaultValue = "100", description = "training runs of each batch-norm net, 0 to skip (default: ${DEFAULT-VALUE})")
    int nanRuns;

    @Option(names = "--tolerance", defaultValue = "1e-3", description = "largest relative error that passes (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random arrays (default: ${DEFAULT-VALUE})")
    int seed;

    @Option(names = "--isa", split = ",", description = "oneDNN instruction sets to probe, each in its own JVM: current (this environment) or a value of ONEDNN_MAX_CPU_ISA such as AVX2 (default: current, plus AVX2 on a CPU with AVX-512)")
    List<String> isas;

    @Option(names = "--child", hidden = true, description = "run in this process and write the results to this file")
    Path child;

    @Mixin VerboseOption verbose;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public DoctorCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Doctor.Settings settings =
                new Doctor.Settings(
                        modelSpecs(),
                        batches,
                        Doctor.parseChannels(sweep),
                        nanRuns,
                        tolerance,
                        seed);
        if (child != null) {
            Doctor.RunResult result = Doctor.run(settings, line -> {});
            Files.writeString(child, GSON.toJson(result), StandardCharsets.UTF_8);
            return result.pass() ? 0 : WRONG;
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<DoctorReport.Run> runs = new ArrayList<>();
        Doctor.RunResult current = null;
        for (String isa : isaValues()) {
            String environment = environment(isa);
            err.println("distill doctor: probing with " + environment + " (a child JVM) ...");
            err.flush();
            DoctorReport.Run run = runChild(isa, environment);
            runs.add(run);
            if (isa.equals(CURRENT)) {
                current = run.result();
            }
        }
        out.print(DoctorReport.render(runs));
        out.flush();
        if (current == null) {
            return 0;
        }
        return current.pass() ? 0 : WRONG;
    }

    private List<String> modelSpecs() {
        return models == null || models.isEmpty() ? Doctor.DEFAULT_MODELS : models;
    }

    /** The --isa values, each once, validated; a value equal to this environment's is current. */
    private List<String> isaValues() {
        List<String> asked = isas;
        if (asked == null || asked.isEmpty()) {
            asked =
                    ConvolutionGuard.avx512KernelsPossible()
                            ? List.of(CURRENT, "AVX2")
                            : List.of(CURRENT);
        }
        Set<String> values = new LinkedHashSet<>();
        for (String isa : asked) {
            String v = isa.trim();
            if (v.equalsIgnoreCase(CURRENT)) {
                values.add(CURRENT);
            } else if (v.matches("[A-Za-z0-9_]+")) {
                values.add(v.toUpperCase(Locale.ROOT));
            } else {
                throw new UserException(
                        Checks.format(
                                "--isa value '%s' must be current or a value of %s such as AVX2",
                                isa, ISA_VARIABLE));
            }
        }
        String own = System.getenv(ISA_VARIABLE);
        if (own != null && values.contains(CURRENT)) {
            values.remove(own.trim().toUpperCase(Locale.ROOT));
        }
        return List.copyOf(values);
    }

    private static String environment(String isa) {
        if (isa.equals(CURRENT)) {
            String own = System.getenv(ISA_VARIABLE);
            return ISA_VARIABLE + (own == null ? " unset" : "=" + own) + " (in use)";
        }
        return ISA_VARIABLE + "=" + isa;
    }

    private DoctorReport.Run runChild(String isa, String environment)
            throws IOException, InterruptedException {
        Path results = Files.createTempFile("distill4j-doctor-", ".json");
        Path stdout = Files.createTempFile("distill4j-doctor-", ".out");
        Path stderr = Files.createTempFile("distill4j-doctor-", ".err");
        try {
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            command.add("-Xmx2g");
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("ai.djl.") || name.startsWith("distill4j.")) {
                    command.add("-D" + name + "=" + System.getProperty(name));
                }
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(MAIN);
            command.add("doctor");
            command.add("--child=" + results);
            for (String model : modelSpecs()) {
                command.add("--model=" + model);
            }
            List<String> sizes = batches.stream().map(String::valueOf).toList();
            command.add("--batches=" + String.join(",", sizes));
            command.add("--sweep=" + sweep);
            command.add("--nan-runs=" + nanRuns);
            command.add("--tolerance=" + tolerance);
            command.add("--seed=" + seed);
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            if (!isa.equals(CURRENT)) {
                env.put(ISA_VARIABLE, isa);
            }
            // "check" makes oneDNN print the instruction set it uses (plus argument checks).
            env.put("ONEDNN_VERBOSE", "check");
            env.putIfAbsent("TORCH_CPP_LOG_LEVEL", "ERROR");
            builder.redirectOutput(stdout.toFile());
            builder.redirectError(stderr.toFile());
            int status = builder.start().waitFor();
            if (status != 0 && status != WRONG) {
                String log = Files.readString(stderr, StandardCharsets.UTF_8);
                throw new IllegalStateException(
                        Checks.format(
                                "the probe with %s failed (exit status %d): %s",
                                environment,
                                status,
                                log.lines()
                                        .filter(l -> !l.contains("NNPACK"))
                                        .reduce((a, b) -> b)
                                        .orElse("")));
            }
            Doctor.RunResult result =
                    GSON.fromJson(
                                    Files.readString(results, StandardCharsets.UTF_8),
                                    Doctor.RunResult.class);
            return new DoctorReport.Run(environment, oneDnnIsa(stdout).orElse(""), result);
        } finally {
            Files.deleteIfExists(results);
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The instruction set oneDNN reports in its verbose header, if it printed one. */
    private static Optional<String> oneDnnIsa(Path stdout) throws IOException {
        String marker = ",info,cpu,isa:";
        try (var lines = Files.lines(stdout, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(marker))
                    .map(l -> l.substring(l.indexOf(marker) + marker.length()).trim())
                    .findFirst();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
