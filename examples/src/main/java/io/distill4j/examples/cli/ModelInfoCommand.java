package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.models.Architectures;
import io.distill4j.models.InputShapes;
import io.distill4j.models.ModelSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distill model-info}: an architecture's layers, shapes, features and size. */
@Command(
        name = "model-info",
        mixinStandardHelpOptions = true,
        description = {
            "Prints an architecture's layers with their output shapes, the embedding size,"
                    + " the feature names (for hint losses) and the parameter count."
        })
public final class ModelInfoCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "one of: resnet18, resnet34, resnet50, resnet101, resnet152, vgg-face, vgg-f, small-cnn")
    String model;

    @Option(names = "--input", defaultValue = "1x48x48", description = "input shape CxHxW (default: ${DEFAULT-VALUE})")
    String input;

    @Option(names = "--classes", defaultValue = "8", description = "number of classes; 1 for a regression output (default: ${DEFAULT-VALUE})")
    int classes;

    @Mixin VerboseOption verbose;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public ModelInfoCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        if (!Architectures.names().contains(model)) {
            throw new UserException(
                    Checks.format(
                            "unknown --model '%s'; use one of %s",
                            model, String.join(", ", Architectures.names())));
        }
        spec.commandLine()
                .getOut()
                .print(ModelSummary.of(model, InputShapes.parse(input), classes).render());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
