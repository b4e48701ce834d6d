package io.distill4j.examples.cli;

import io.distill4j.data.FaceDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill distill}: one strategy, one student (per seed). */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = {
            "Trains (or loads) the teacher and distills one student with one strategy;"
                    + " reports the teacher on clean and occluded test images and the student on"
                    + " occluded ones."
        })
public final class DistillCommand extends ExperimentCommand {

    @Option(
            names = "--strategy",
            defaultValue = "kd",
            description = "finetune, kd, triplet, hint, kd+triplet, ... (default: ${DEFAULT-VALUE})")
    String strategy;

    /** Creates the command (picocli fills its options). */
    public DistillCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (strategy.trim().equals("fusion")) {
            throw new UserException(
                    "fusion combines two students: use distill compare --strategies"
                            + " kd,triplet,fusion");
        }
        checkOptions(List.of(strategy));
        FaceDataSource source = data.open();
        Path out = out("distill-" + strategy.replace('+', '-'));
        experiment(source, List.of(strategy), out).run();
        spec.commandLine()
                .getOut()
                .println(Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
