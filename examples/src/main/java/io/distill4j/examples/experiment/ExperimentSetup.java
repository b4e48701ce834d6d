package io.distill4j.examples.experiment;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.Task;
import io.distill4j.data.Augmentation;
import io.distill4j.data.ChannelStatistics;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusion;
import io.distill4j.models.Architectures;
import io.distill4j.models.NetworkBuilder;
import io.distill4j.models.Normalization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything an {@link Experiment} was configured with, and what follows from it (the task, the
 * input shape), with the small factories its stages share: the model builder, the datasets, the
 * progress listener. Immutable.
 */
final class ExperimentSetup {

    final FaceDataSource data;
    final Occlusion occlusion;
    final String architecture;
    final Map<String, String> modelOptions;
    final TrainingSettings teacherSettings;
    final TrainingSettings studentSettings;
    final List<String> strategies;
    final Map<String, String> lossParameters;
    final Map<String, String> weights;
    final int firstSeed;
    final int seeds;
    final Path out;
    final Path teacherPath;
    final PrintWriter console;
    final boolean interactive;
    final String cacheMode;
    final Task task;
    final Shape inputShape;
    final InputNormalization inputNormalization;
    private Normalization normalization;

    ExperimentSetup(Experiment.Builder b) {
        data = b.data;
        occlusion = b.occlusion;
        architecture = b.architecture;
        modelOptions = Map.copyOf(b.modelOptions);
        teacherSettings = b.teacherSettings;
        studentSettings = b.studentSettings;
        strategies = List.copyOf(b.strategies);
        lossParameters = Map.copyOf(b.lossParameters);
        weights = Map.copyOf(b.weights);
        firstSeed = b.firstSeed;
        seeds = b.seeds;
        out = b.out;
        teacherPath = b.teacherPath;
        console = b.console;
        interactive = b.interactive;
        cacheMode = b.cacheMode;
        inputNormalization = b.inputNormalization;
        task = data.task();
        Shape native_ = data.split(Usage.TRAIN).imageShape();
        inputShape =
                new Shape(
                        b.channels > 0 ? b.channels : native_.get(0),
                        b.imageSize > 0 ? b.imageSize : native_.get(1),
                        b.imageSize > 0 ? b.imageSize : native_.get(2));
    }

    /** A builder of the configured architecture, for the input shape and task. */
    NetworkBuilder<?> modelBuilder() {
        NetworkBuilder<?> builder =
                Architectures.builder(architecture).setInputShape(inputShape).setTask(task);
        modelOptions.forEach(builder::optOption);
        return builder;
    }

    /**
     * The normalization a teacher trained here gets: the given values, none, or the per-channel
     * mean and standard deviation of the clean training images (computed once, from at most
     * 25,000 evenly spaced images).
     */
    synchronized Normalization teacherNormalization() throws IOException {
        if (normalization == null) {
            if (inputNormalization.explicit().isPresent()) {
                normalization = inputNormalization.explicit().get();
            } else {
                ChannelStatistics stats =
                        ChannelStatistics.of(
                                data.split(Usage.TRAIN),
                                (int) inputShape.get(0),
                                (int) inputShape.get(1),
                                (int) inputShape.get(2),
                                25_000);
                normalization = Normalization.of(stats.mean(), stats.std());
                say("input normalization: %s, from %d clean training images", normalization, stats.images());
            }
        }
        return normalization;
    }

    /** A split as paired views, with the students' settings. */
    PairedViewDataset dataset(Usage usage, long seed, boolean train) {
        return dataset(usage, seed, train, studentSettings);
    }

    /** A split as paired views; training sets are shuffled and augmented per the settings. */
    PairedViewDataset dataset(Usage usage, long seed, boolean train, TrainingSettings settings) {
        FaceSplit split = data.split(usage);
        PairedViewDataset.Builder builder =
                PairedViewDataset.builder()
                        .setSource(split)
                        .optOcclusion(occlusion)
                        .optSeed(seed)
                        .optChannels((int) inputShape.get(0))
                        .optImageSize((int) inputShape.get(1), (int) inputShape.get(2));
        if (train) {
            builder.optAugmentation(new Augmentation(settings.flip(), settings.cropPadding()));
        }
        return builder.setSampling(settings.batchSize(), train).build();
    }

    /** The optimizer steps of one epoch over a training set. */
    static int steps(PairedViewDataset train, TrainingSettings settings) {
        long batch = settings.batchSize();
        return (int) Math.max(1, (train.size() + batch - 1) / batch);
    }

    /** A progress listener that also appends every epoch to {@code train.log}. */
    DistillationListener progress(String label, int batchesPerEpoch) {
        return new ProgressListener(
                label, console, interactive, batchesPerEpoch, out.resolve("train.log"));
    }

    /** {@code CxHxW}. */
    static String shape(Shape s) {
        return s.get(0) + "x" + s.get(1) + "x" + s.get(2);
    }

    /** One console line. */
    void say(String format, Object... args) {
        console.println(Checks.format(format, args));
    }
}
