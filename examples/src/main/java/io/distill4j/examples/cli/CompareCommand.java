package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceDataSource;
import io.distill4j.examples.experiment.Comparison;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill compare}: the paper's table. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Trains the teacher once (or loads it), then for each seed the fine-tuned student"
                    + " and each strategy, every student starting from the teacher's weights; evaluates"
                    + " them on the same occluded test images and writes results.md, results.json, per-"
                    + " image predictions, curves, charts and checkpoints to --out. Rerun to resume."
        })
public final class CompareCommand extends ExperimentCommand {

    @Option(
            names = "--strategies",
            split = ",",
            defaultValue = "finetune,kd,triplet,kd+triplet,fusion",
            description =
                    "comma-separated: finetune, kd, triplet, hint, kd+triplet, fusion, or any"
                            + " registry combination (default: ${DEFAULT-VALUE})")
    List<String> strategies;

    /** Creates the command (picocli fills its options). */
    public CompareCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        GivenOptions given = GivenOptions.of(spec);
        int times = given.occurrences("--strategies");
        if (times > 1) {
            throw new UserException(
                    Checks.format(
                            "--strategies was given %d times; give it once, with every strategy in"
                                    + " one comma-separated list",
                            times));
        }
        Set<String> seen = new HashSet<>();
        for (String s : strategies) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new UserException(
                        Checks.format(
                                "--strategies lists %s twice (%s); give each strategy once",
                                name, String.join(",", strategies)));
            }
        }
        checkOptions(strategies);
        FaceDataSource source = data.open();
        Path out = out("compare");
        Comparison comparison = experiment(source, strategies, out).run();
        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        spec.commandLine().getOut().println(table);
        spec.commandLine().getOut().println("report: " + out.resolve("results.md"));
        spec.commandLine().getOut().flush();
        return comparison.rows().isEmpty() ? 1 : 0;
    }
}
