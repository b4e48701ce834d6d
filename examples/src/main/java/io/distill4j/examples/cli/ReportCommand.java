package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.examples.experiment.PairedBootstrap;
import io.distill4j.examples.experiment.ReportMerge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code distill report}: one table and one set of charts from several compare folders. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Merges the output folders of several distill compare runs (for example seeds run on"
                    + " different machines) into one report: results.md, results.json, predictions,"
                    + " curves and charts, with the statistics recomputed over every seed. Refuses"
                    + " folders whose data, teacher or protocol differ, and says which."
        })
public final class ReportCommand implements Callable<Integer> {

    @Parameters(
            arity = "1..*",
            paramLabel = "DIR",
            description = "output folders of distill compare")
    List<Path> folders = new ArrayList<>();

    @Option(
            names = "--out",
            defaultValue = "runs/report",
            description = "the output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--bootstrap-rounds",
            defaultValue = "10000",
            description = "rounds of the paired bootstrap (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--bootstrap-seed",
            defaultValue = "1",
            description = "seed of the bootstrap's resamples (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin VerboseOption verbose;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public ReportCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Path target = out.toAbsolutePath().normalize();
        for (Path folder : folders) {
            if (folder.toAbsolutePath().normalize().equals(target)) {
                throw new UserException(
                        Checks.format(
                                "--out %s is one of the folders to merge: write the report"
                                    + " elsewhere",
                                out));
            }
        }
        PairedBootstrap bootstrap =
                new PairedBootstrap(rounds, seed, PairedBootstrap.DEFAULT_LEVEL);
        ReportMerge.Merged merged = ReportMerge.merge(folders, bootstrap);
        String markdown = ReportMerge.write(merged, out);
        spec.commandLine().getOut().println(markdown);
        spec.commandLine().getOut().println("report: " + out.resolve("results.md"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
