package io.distill4j.examples.cli;

import io.distill4j.data.DatasetStats;
import io.distill4j.data.FaceDataSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code distill stats}: per split, the sample count, the classes or ages, and what was skipped. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "Loads a data set and prints, per split, the number of samples and the count per"
                    + " class (or the age histogram), the records skipped and why, and the time taken."
        })
public final class StatsCommand implements Callable<Integer> {

    @Mixin DataArgs data;

    @Mixin VerboseOption verbose;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public StatsCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        GivenOptions.of(spec)
                .check(
                        new OptionRule(
                                "--occlusion",
                                false,
                                "is not used by stats, which counts the faces as loaded; see them"
                                        + " occluded with show"));
        FaceDataSource source = data.open();
        spec.commandLine().getOut().print(DatasetStats.compute(source).render());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
