package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.PairGrid;
import io.distill4j.data.PairedViewDataset;
import ai.djl.training.dataset.Dataset.Usage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distill show}: a PNG grid of clean and occluded pairs. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Writes a PNG grid of clean and occluded pairs: what the student sees.")
public final class ShowCommand implements Callable<Integer> {

    @Mixin DataArgs data;

    @Mixin VerboseOption verbose;

    @Option(names = "--out", defaultValue = "grid.png", description = "the PNG file to write")
    Path out;

    @Option(names = "--count", defaultValue = "16", description = "pairs to show")
    int count;

    @Option(
            names = "--split",
            defaultValue = "train",
            description = "train, validation or test (default: ${DEFAULT-VALUE})")
    String split;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public ShowCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new UserException(Checks.format("--count must be >= 1, was %d", count));
        }
        FaceDataSource source = data.open();
        Usage usage;
        try {
            usage = Usage.valueOf(split.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException(
                    Checks.format("--split must be train, validation or test, was '%s'", split));
        }
        PairedViewDataset dataset =
                PairedViewDataset.builder()
                        .setSource(source.split(usage))
                        .optOcclusion(data.occlusion(source))
                        .setSampling(1, false)
                        .build();
        PairGrid.write(dataset, (int) Math.min(count, dataset.size()), out);
        spec.commandLine()
                .getOut()
                .println(
                        Checks.format(
                                "wrote %s: %d clean/occluded pairs (%s, %s)",
                                out,
                                Math.min(count, dataset.size()),
                                source.name(),
                                dataset.getOcclusion()));
        return 0;
    }
}
