package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.examples.experiment.Experiment;
import io.distill4j.examples.experiment.InputNormalization;
import io.distill4j.examples.experiment.TrainingSettings;
import io.distill4j.losses.DistillationLossRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

    @Option(names = "--input-norm", defaultValue = "dataset", description = "how the teacher normalizes its input: dataset (the clean training images' per-channel mean and std, kept in the checkpoint), none (pixels in [0, 1]) or MEAN/STD values such as 0.5/0.25 (default: ${DEFAULT-VALUE})")
    String inputNorm;

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

    /** The options that set one strategy parameter each, and the registry keys they set. */
    private static final Map<String, String> LOSS_OPTIONS = lossOptions();

    private static Map<String, String> lossOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--temperature", "temperature");
        m.put("--alpha", "alpha");
        m.put("--norm", "norm");
        m.put("--margin", "margin");
        m.put("--distance", "distance");
        m.put("--normalize", "normalize");
        m.put("--negatives", "negatives");
        m.put("--mining", "mining");
        m.put("--negative-threshold", "negative_threshold");
        m.put("--hint-feature", "hint.feature");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The named strategy options given, by option name, in a fixed order. */
    private Map<String, String> namedLossOptions() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "--temperature", temperature);
        put(p, "--alpha", alpha);
        put(p, "--norm", norm);
        put(p, "--margin", margin);
        put(p, "--distance", distance);
        put(p, "--normalize", normalize);
        put(p, "--negatives", negatives);
        put(p, "--mining", mining);
        put(p, "--negative-threshold", negativeThreshold);
        put(p, "--hint-feature", hintFeature);
        return p;
    }

    /**
     * Returns the teacher's input normalization.
     *
     * @return the parsed {@code --input-norm}
     * @throws UserException naming the accepted forms
     */
    public InputNormalization inputNormalization() {
        try {
            return InputNormalization.parse(inputNorm);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * Returns the strategy parameters given on the command line, by registry key.
     *
     * @return the parameters
     */
    public Map<String, String> lossParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        namedLossOptions().forEach((option, value) -> p.put(LOSS_OPTIONS.get(option), value));
        p.putAll(params);
        return p;
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }

    /**
     * Returns whether each training option takes effect, given the others: an option given but
     * not used is refused, and left out of {@code config.json}.
     *
     * @param command the command's name ({@code compare}, {@code distill}, {@code train-teacher})
     * @return the rules
     */
    List<OptionRule> rules(String command) {
        List<OptionRule> rules = new ArrayList<>();
        String s = schedule.trim().toLowerCase(Locale.ROOT);
        String o = optimizer.trim().toLowerCase(Locale.ROOT);
        String a = augment.trim().toLowerCase(Locale.ROOT);
        rules.add(
                new OptionRule(
                        "--warmup",
                        s.equals("one-cycle"),
                        "is only used by --schedule one-cycle, but the schedule is " + s));
        for (String option : List.of("--step-epochs", "--gamma")) {
            rules.add(
                    new OptionRule(
                            option,
                            s.equals("step"),
                            "is only used by --schedule step, but the schedule is " + s));
        }
        for (String option : List.of("--momentum", "--nesterov")) {
            rules.add(
                    new OptionRule(
                            option,
                            o.equals("sgd"),
                            "is only used by --optimizer sgd, but the optimizer is " + o));
        }
        rules.add(
                new OptionRule(
                        "--crop-padding",
                        a.contains("crop"),
                        "is only used when --augment includes crop, but it is " + a));
        boolean trainsTeacher = command.equals("train-teacher");
        if (trainsTeacher) {
            String why = "is not used by train-teacher, which trains only the teacher";
            rules.add(new OptionRule("--epochs", false, why + ": use --teacher-epochs"));
            rules.add(
                    new OptionRule(
                            "--lr", teacherLr == null, "is not used by train-teacher when --teacher-lr is given"));
            rules.add(
                    new OptionRule(
                            "--teacher",
                            false,
                            "is not used by train-teacher, which trains a teacher: give it to"
                                    + " compare or distill instead"));
            List<String> studentOnly =
                    new ArrayList<>(List.of("--seeds", "--cache", "--weights", "--param"));
            studentOnly.addAll(LOSS_OPTIONS.keySet());
            for (String option : studentOnly) {
                rules.add(new OptionRule(option, false, why));
            }
        } else {
            boolean loaded = teacher != null;
            String why = "is not used with --teacher: the teacher is loaded, not trained";
            rules.add(new OptionRule("--teacher-epochs", !loaded, why));
            rules.add(new OptionRule("--teacher-lr", !loaded, why));
            rules.add(
                    new OptionRule(
                            "--input-norm",
                            !loaded,
                            "is not used with --teacher: the loaded teacher normalizes its input"
                                    + " as its checkpoint says"));
            for (String option : List.of("--model", "--model-option")) {
                rules.add(
                        new OptionRule(
                                option,
                                !loaded,
                                "is not used with --teacher: the students take the loaded"
                                        + " teacher's architecture"));
            }
        }
        return rules;
    }

    /**
     * Refuses strategy options that no strategy being run takes: a named option ({@code
     * --temperature}) or a {@code --param} key that no component of the strategies accepts
     * (listing the keys that are accepted), and {@code --weights} for a strategy not being run or
     * not combined. Strategies whose name the registry does not know are left to the experiment,
     * which names them.
     *
     * @param strategies the strategies being run, as given
     * @param registry the registry the experiment builds them from
     * @throws UserException for the first option that has no effect
     */
    void checkStrategyOptions(List<String> strategies, DistillationLossRegistry registry) {
        List<String> runs = new ArrayList<>();
        Map<String, List<String>> components = new LinkedHashMap<>();
        for (String strategy : strategies) {
            String name = strategy.trim().toLowerCase(Locale.ROOT);
            runs.add(name);
            if (name.equals("fusion")) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (String part : Experiment.components(name)) {
                if (!registry.contains(part)) {
                    return;
                }
                parts.add(part.trim());
            }
            components.put(name, parts);
        }
        Set<String> all = new TreeSet<>();
        components.values().forEach(all::addAll);
        String running = String.join(", ", runs);
        namedLossOptions()
                .forEach(
                        (option, value) -> {
                            String key = LOSS_OPTIONS.get(option);
                            if (!accepts(registry, all, key)) {
                                throw new UserException(
                                        Checks.format(
                                                "%s is a parameter of %s, and no strategy being run"
                                                        + " (%s) has it",
                                                option, owners(registry, key), running));
                            }
                        });
        for (String key : params.keySet()) {
            String k = key.trim().toLowerCase(Locale.ROOT);
            int dot = k.indexOf('.');
            if (dot > 0 && all.contains(k.substring(0, dot))) {
                String c = k.substring(0, dot);
                if (!registry.parameterNames(c).contains(k.substring(dot + 1))) {
                    throw new UserException(
                            Checks.format(
                                    "unknown --param key '%s'; %s accepts: %s",
                                    key, c, new TreeSet<>(registry.parameterNames(c))));
                }
            } else if (!accepts(registry, all, k)) {
                Set<String> accepted = new TreeSet<>();
                Set<String> withParameters = new TreeSet<>();
                for (String c : all) {
                    accepted.addAll(registry.parameterNames(c));
                    if (!registry.parameterNames(c).isEmpty()) {
                        withParameters.add(c);
                    }
                }
                throw new UserException(
                        Checks.format(
                                "unknown --param key '%s' for the strategies being run (%s);"
                                        + " accepted: %s, or <component>.<key> with a component"
                                        + " among %s",
                                key, running, accepted, withParameters));
            }
        }
        List<String> combined = new ArrayList<>();
        components.forEach(
                (name, parts) -> {
                    if (parts.size() > 1) {
                        combined.add(name);
                    }
                });
        for (String key : weights.keySet()) {
            String k = key.trim().toLowerCase(Locale.ROOT);
            if (!components.containsKey(k) || components.get(k).size() < 2) {
                throw new UserException(
                        Checks.format(
                                "--weights for %s, which is not %s; weights apply to the"
                                        + " combinations being run: %s",
                                key,
                                components.containsKey(k)
                                        ? "a combination of losses"
                                        : "among the strategies being run (" + running + ")",
                                combined.isEmpty() ? "none" : String.join(", ", combined)));
            }
        }
    }

    private static boolean accepts(
            DistillationLossRegistry registry, Set<String> components, String key) {
        int dot = key.indexOf('.');
        if (dot > 0) {
            String c = key.substring(0, dot);
            return components.contains(c)
                    && registry.parameterNames(c).contains(key.substring(dot + 1));
        }
        for (String c : components) {
            if (registry.parameterNames(c).contains(key)) {
                return true;
            }
        }
        return false;
    }

    private static String owners(DistillationLossRegistry registry, String key) {
        int dot = key.indexOf('.');
        if (dot > 0) {
            return key.substring(0, dot);
        }
        List<String> owners = new ArrayList<>();
        for (String name : registry.names()) {
            if (registry.parameterNames(name).contains(key)) {
                owners.add(name);
            }
        }
        return String.join(" or ", owners);
    }
}
