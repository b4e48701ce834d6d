package io.distill4j.examples.cli;

import io.distill4j.data.synthetic.FerPlusWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code distill demo}: the whole comparison on synthetic faces, with no data to download, in a
 * few minutes on two cores. Any {@code compare} option may follow and overrides the demo's.
 */
@Command(
        name = "demo",
        description = {
            "Generates synthetic faces as FER+ files (fer2013.csv + fer2013new.csv, labels"
                    + " from ten simulated votes) in runs/demo/data, reads them with the real FER+"
                    + " adapter, trains a small-cnn teacher on clean faces, and compares fine-tuning,"
                    + " KD, triplet, KD+triplet and their fusion on VR-occluded faces. Writes the report"
                    + " to runs/demo. Any compare option may follow and wins, e.g. --seeds 3, or"
                    + " --dataset synthetic for in-memory faces."
        })
public final class DemoCommand implements Callable<Integer> {

    /** Where the demo's FER+ files are generated (once). */
    static final Path DATA = Path.of("runs", "demo", "data");

    /** Training faces generated; validation and test get a tenth each. */
    static final int FACES = 4000;

    /**
     * The demo's settings, by option name without dashes: defaults under the user's own options
     * and {@code --config} file, which win. Being defaults, they are never "given": an option
     * that the user's choices make useless (the demo's {@code --root} with {@code --dataset
     * synthetic}) is not refused.
     */
    static final Map<String, String> DEMO = demo();

    private static Map<String, String> demo() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dataset", "ferplus");
        m.put("root", DATA.toString());
        m.put("occlusion", "vr-headset");
        m.put("model", "small-cnn");
        m.put("model-option", "widths=16,32,64,128");
        m.put("teacher-epochs", "10");
        m.put("epochs", "8");
        m.put("batch-size", "64");
        m.put("lr", "0.001");
        m.put("out", "runs/demo");
        return Collections.unmodifiableMap(m);
    }

    @Unmatched List<String> rest = new ArrayList<>();

    @Spec CommandSpec spec;

    /** Creates the command. */
    public DemoCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        if (rest.contains("--help") || rest.contains("-h")) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        if (!Files.isRegularFile(DATA.resolve("fer2013new.csv"))) {
            try {
                FerPlusWriter.Summary written =
                        FerPlusWriter.builder()
                                .setDirectory(DATA)
                                .optSizes(FACES, FACES / 10, FACES / 10)
                                .optSeed(1)
                                .write();
                spec.commandLine()
                        .getErr()
                        .println("demo: wrote " + written.totalRows() + " synthetic faces to " + DATA);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the demo's faces to " + DATA, e);
            }
        }
        List<String> args = new ArrayList<>(List.of("compare"));
        args.addAll(rest);
        CommandLine root = spec.root().commandLine();
        CommandLine.IDefaultValueProvider previous = root.getDefaultValueProvider();
        root.setDefaultValueProvider(new DemoDefaults(previous));
        try {
            return root.execute(args.toArray(new String[0]));
        } finally {
            root.setDefaultValueProvider(previous);
        }
    }

    /** The user's config file first, then the demo's settings. */
    private static final class DemoDefaults
            implements CommandLine.IDefaultValueProvider, GivenOptions.UserValues {

        private final CommandLine.IDefaultValueProvider user;

        DemoDefaults(CommandLine.IDefaultValueProvider user) {
            this.user = user;
        }

        @Override
        public String defaultValue(ArgSpec argSpec) throws Exception {
            String value = user == null ? null : user.defaultValue(argSpec);
            if (value == null && argSpec instanceof OptionSpec option) {
                value = DEMO.get(option.longestName().replaceFirst("^--", ""));
            }
            return value;
        }

        @Override
        public Optional<String> source(String key) {
            return user instanceof GivenOptions.UserValues u ? u.source(key) : Optional.empty();
        }
    }
}
