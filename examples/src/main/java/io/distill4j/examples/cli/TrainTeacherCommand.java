package io.distill4j.examples.cli;

import ai.djl.training.dataset.Dataset.Usage;
import io.distill4j.core.Checks;
import io.distill4j.core.Evaluation;
import io.distill4j.core.View;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.examples.experiment.Experiment;
import io.distill4j.models.ModelTeacher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code distill train-teacher}: the teacher on clean faces, saved as a checkpoint. */
@Command(
        name = "train-teacher",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a teacher on clean training faces (best validation epoch kept) and saves"
                    + " it to <out>/teacher/best.json + best.params; reports it on clean and occluded"
                    + " test faces."
        })
public final class TrainTeacherCommand extends ExperimentCommand {

    /** Creates the command (picocli fills its options). */
    public TrainTeacherCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        checkOptions(List.of("finetune"));
        FaceDataSource source = data.open();
        Path out = out("teacher");
        Experiment experiment = experiment(source, List.of("finetune"), out);
        PrintWriter w = spec.commandLine().getOut();
        try (ModelTeacher teacher = experiment.teacher()) {
            PairedViewDataset test =
                    PairedViewDataset.builder()
                            .setSource(source.split(Usage.TEST))
                            .optOcclusion(data.occlusion(source))
                            .optChannels((int) experiment.getInputShape().get(0))
                            .optImageSize(
                                    (int) experiment.getInputShape().get(1),
                                    (int) experiment.getInputShape().get(2))
                            .setSampling(train.batchSize, false)
                            .build();
            for (View view : View.values()) {
                double metric =
                        Evaluation.evaluate(teacher, test, view, experiment.getTask()).metric();
                w.println(
                        Checks.format(
                                "teacher on %s test faces: %s %.4f",
                                view.name().toLowerCase(java.util.Locale.ROOT),
                                experiment.getTask().metricName(),
                                metric));
            }
        }
        w.println("teacher: " + out.resolve("teacher").resolve("best.json"));
        w.flush();
        return 0;
    }
}
