package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.examples.experiment.TrainingSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of model, training, strategies and output shared by the training commands. */
public final class TrainArgs {

    @Option(names = "--model", defaultValue = "small-cnn", description = "architecture: resnet18, resnet34, resnet50, vgg-face, vgg-f, small-cnn (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--model-option", split = ";", description = "architecture option, e.g. widths=16,32,64,128 (repeatable)")
    Map<String, String> modelOptions = new LinkedHashMap<>();

    @Option(names = "--image-size", defaultValue = "0", description = "resize images to this side (default: the data set's)")
    int imageSize;

    @Option(names = "--channels", defaultValue = "0", description = "1 (grey) or 3 (RGB) (default: the data set's)")
    int channels;

    @Option(names = "--epochs", defaultValue = "10", description = "student epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--teacher-epochs", defaultValue = "15", description = "teacher epochs (default: ${DEFAULT-VALUE})")
    int teacherEpochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "students' learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--teacher-lr", description = "the teacher's learning rate (default: --lr)")
    Float teacherLr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    float momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (with --optimizer sgd)")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--schedule", defaultValue = "cosine", description = "constant, step, cosine or one-cycle (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0.1", description = "one-cycle warm-up fraction of the steps (default: ${DEFAULT-VALUE})")
    float warmup;

    @Option(names = "--step-epochs", defaultValue = "10", description = "step schedule: epochs between decays (default: ${DEFAULT-VALUE})")
    int stepEpochs;

    @Option(names = "--gamma", defaultValue = "0.1", description = "step schedule: decay factor (default: ${DEFAULT-VALUE})")
    float gamma;

    @Option(names = "--augment", defaultValue = "flip", description = "none, flip, crop or flip+crop (default: ${DEFAULT-VALUE}); crops bypass the teacher cache")
    String augment;

    @Option(names = "--crop-padding", defaultValue = "4", description = "random-crop padding in pixels (default: ${DEFAULT-VALUE})")
    int cropPadding;

    @Option(names = "--seed", defaultValue = "1", description = "the first seed (default: ${DEFAULT-VALUE})")
    int seed;

    @Option(names = "--seeds", defaultValue = "1", description = "runs per strategy, seeds --seed, --seed+1, ... (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--out", description = "the output folder")
    Path out;

    @Option(names = "--teacher", description = "load the teacher instead of training it: a checkpoint manifest (.json) or a TorchScript file (.pt)")
    Path teacher;

    @Option(names = "--cache", defaultValue = "memory", description = "teacher-output cache: memory, disk or off (default: ${DEFAULT-VALUE})")
    String cache;

    @Option(names = "--temperature", description = "KD temperature T (default 4)")
    String temperature;

    @Option(names = "--alpha", description = "KD weight of the teacher term, in [0, 1] (default 0.5)")
    String alpha;

    @Option(names = "--norm", description = "KD for regression: l1 or l2 (default l1)")
    String norm;

    @Option(names = "--margin", description = "triplet margin (default 0.2)")
    String margin;

    @Option(names = "--distance", description = "triplet distance: squared-euclidean, euclidean or cosine")
    String distance;

    @Option(names = "--normalize", description = "triplet: L2-normalize embeddings (true/false)")
    String normalize;

    @Option(names = "--negatives", description = "triplet negatives: student, teacher or both")
    String negatives;

    @Option(names = "--mining", description = "triplet mining: hardest, semi-hard or all")
    String mining;

    @Option(names = "--negative-threshold", description = "triplet for regression: |y_j - y_i| above which j is a negative (default 10)")
    String negativeThreshold;

    @Option(names = "--hint-feature", description = "hint: the feature to match (default: the model's next-to-last)")
    String hintFeature;

    @Option(names = "--weights", split = ";", description = "weights of a combined strategy, e.g. kd+triplet=1,0.5 (repeatable)")
    Map<String, String> weights = new LinkedHashMap<>();

    @Option(names = "--param", split = ";", description = "any strategy parameter, e.g. triplet.margin=0.3 (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    /** Creates the options (picocli fills them). */
    public TrainArgs() {}

    /**
     * Returns the teacher's training settings.
     *
     * @return the settings
     */
    public TrainingSettings teacherSettings() {
        return settings(teacherEpochs, teacherLr == null ? lr : teacherLr);
    }

    /**
     * Returns the students' training settings.
     *
     * @return the settings
     */
    public TrainingSettings studentSettings() {
        return settings(epochs, lr);
    }

    private TrainingSettings settings(int epochCount, float rate) {
        String a = augment.toLowerCase(Locale.ROOT).replace(" ", "");
        List<String> known = List.of("none", "flip", "crop", "flip+crop", "crop+flip");
        if (!known.contains(a)) {
            throw new UserException(
                    Checks.format("--augment must be none, flip, crop or flip+crop, was '%s'", augment));
        }
        return new TrainingSettings(
                epochCount,
                batchSize,
                rate,
                optimizer,
                momentum,
                nesterov,
                weightDecay,
                schedule,
                warmup,
                stepEpochs,
                gamma,
                a.contains("flip"),
                a.contains("crop") ? cropPadding : 0);
    }

    /**
     * Returns the strategy parameters given on the command line, by registry key.
     *
     * @return the parameters
     */
    public Map<String, String> lossParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "temperature", temperature);
        put(p, "alpha", alpha);
        put(p, "norm", norm);
        put(p, "margin", margin);
        put(p, "distance", distance);
        put(p, "normalize", normalize);
        put(p, "negatives", negatives);
        put(p, "mining", mining);
        put(p, "negative_threshold", negativeThreshold);
        put(p, "hint.feature", hintFeature);
        p.putAll(params);
        return p;
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }
}
