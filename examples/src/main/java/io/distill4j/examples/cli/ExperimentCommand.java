package io.distill4j.examples.cli;

import io.distill4j.data.FaceDataSource;
import io.distill4j.examples.experiment.Experiment;
import io.distill4j.losses.DistillationLossRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The base of the commands that train: data, training and strategy options, config files. */
abstract class ExperimentCommand implements Callable<Integer> {

    @Mixin DataArgs data;

    @Mixin TrainArgs train;

    @Mixin VerboseOption verbose;

    @Option(
            names = "--config",
            description =
                    "a JSON file of option values (for example a previous run's config.json);"
                            + " options given on the command line win")
    Path config;

    @Spec CommandSpec spec;

    /** Returns the output folder: {@code --out}, or {@code runs/<name>}. */
    Path out(String defaultName) {
        return train.out != null ? train.out : Path.of("runs", defaultName);
    }

    /** The rules of every option of the command: which take effect with the others. */
    List<OptionRule> rules() {
        List<OptionRule> rules = new ArrayList<>(data.rules());
        rules.addAll(train.rules(spec.name()));
        return rules;
    }

    /**
     * Checks the options before any data is read: the config file's keys, options given that
     * have no effect, strategy options no strategy takes.
     *
     * @param strategies the strategies to run
     * @throws UserException for the first problem, in one line
     */
    void checkOptions(List<String> strategies) {
        if (config != null) {
            ConfigFile.read(config).checkKeys(spec);
        }
        GivenOptions.of(spec).check(rules());
        train.inputNormalization();
        train.checkStrategyOptions(strategies, DistillationLossRegistry.defaults());
    }

    /** Configures an experiment on opened data; saves the effective configuration. */
    Experiment experiment(FaceDataSource source, List<String> strategies, Path out)
            throws IOException {
        Experiment.Builder builder =
                Experiment.builder()
                        .setData(source)
                        .setOcclusion(data.occlusion(source))
                        .optModel(train.model, train.modelOptions)
                        .setTraining(train.teacherSettings(), train.studentSettings())
                        .optStrategies(strategies)
                        .optLossParameters(train.lossParameters())
                        .optWeights(train.weights)
                        .optSeeds(train.seed, train.seeds)
                        .optCache(train.cache)
                        .optImage(train.imageSize, train.channels)
                        .optInputNormalization(train.inputNormalization())
                        .optConsole(spec.commandLine().getErr(), System.console() != null)
                        .setOut(out);
        if (train.teacher != null) {
            builder.optTeacher(train.teacher);
        }
        Experiment experiment = builder.build();
        ConfigFile.save(spec, out, rules());
        return experiment;
    }
}
