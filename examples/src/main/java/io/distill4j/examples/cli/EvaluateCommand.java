package io.distill4j.examples.cli;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;
import io.distill4j.core.Checks;
import io.distill4j.core.Evaluation;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.View;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.models.InputShapes;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.TorchScriptModel;
import io.distill4j.models.checkpoint.Checkpoint;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distill evaluate}: a saved model on the test faces, clean and occluded. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Evaluates a checkpoint (.json manifest) or a TorchScript model (.pt) on a data"
                        + " set's clean and occluded test faces.")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin DataArgs data;

    @Mixin VerboseOption verbose;

    @Option(names = "--checkpoint", required = true, description = "the model: name.json or model.pt")
    Path checkpoint;

    @Option(names = "--input", description = "input shape CxHxW (needed for a .pt file)")
    String input;

    @Option(names = "--split", defaultValue = "test", description = "train, validation or test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--batch-size", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--predictions", description = "write per-image predictions (occluded view) to this CSV")
    Path predictions;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public EvaluateCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserException(
                    Checks.format("--checkpoint %s does not exist: give a checkpoint's .json"
                            + " manifest or a .pt file", checkpoint));
        }
        FaceDataSource source = data.open();
        Usage usage;
        try {
            usage = Usage.valueOf(split.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException(
                    Checks.format("--split must be train, validation or test, was '%s'", split));
        }
        PrintWriter w = spec.commandLine().getOut();
        try (ModelTeacher model = load(source)) {
            Shape shape = model.getInputShape();
            PairedViewDataset dataset =
                    PairedViewDataset.builder()
                            .setSource(source.split(usage))
                            .optOcclusion(data.occlusion(source))
                            .optChannels((int) shape.get(0))
                            .optImageSize((int) shape.get(1), (int) shape.get(2))
                            .setSampling(batchSize, false)
                            .build();
            EvaluationResult occluded = null;
            for (View view : View.values()) {
                EvaluationResult result = Evaluation.evaluate(model, dataset, view, source.task());
                w.println(
                        Checks.format(
                                "%s %s faces: %s %.4f (%d images)",
                                split,
                                view.name().toLowerCase(Locale.ROOT),
                                source.task().metricName(),
                                result.metric(),
                                result.size()));
                occluded = result;
            }
            if (predictions != null) {
                write(predictions, occluded);
                w.println("predictions: " + predictions);
            }
        }
        w.flush();
        return 0;
    }

    private ModelTeacher load(FaceDataSource source) throws Exception {
        try {
            if (checkpoint.getFileName().toString().endsWith(".pt")) {
                if (input == null) {
                    throw new UserException("a .pt model needs --input CxHxW, e.g. --input 1x48x48");
                }
                return TorchScriptModel.builder()
                        .setModelPath(checkpoint)
                        .setInputShape(InputShapes.parse(input))
                        .optTask(source.task())
                        .buildTeacher();
            }
            Checkpoint.Loader loader = Checkpoint.loader(checkpoint).optTask(source.task());
            if (input != null) {
                loader.optInputShape(InputShapes.parse(input));
            }
            return loader.loadTeacher();
        } catch (MalformedModelException e) {
            throw new UserException(
                    Checks.format("cannot load %s: %s", checkpoint, e.getMessage()), e);
        }
    }

    private static void write(Path file, EvaluationResult result) throws java.io.IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("index,target,prediction\n");
            for (int i = 0; i < result.size(); i++) {
                out.write(
                        result.indices()[i] + "," + result.targets()[i] + "," + result.predictions()[i]
                                + "\n");
            }
        }
    }
}
