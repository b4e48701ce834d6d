package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.data.DataOptions;
import io.distill4j.data.DataSources;
import io.distill4j.data.FaceAttribute;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.RecordIssue;
import io.distill4j.data.fer.FerLabelMode;
import io.distill4j.data.occlusion.Occlusion;
import io.distill4j.data.occlusion.Occlusions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that choose and open a data set, shared by every command that reads data. */
public final class DataArgs {

    @Option(
            names = "--dataset",
            defaultValue = "synthetic",
            description = "ferplus, affectnet, utkface or synthetic (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(
            names = "--root",
            description = "the folder the data set was unpacked in (not needed for synthetic)")
    Path root;

    @Option(
            names = "--task",
            description =
                    "expression, gender or age (default: expression; age for utkface)")
    String task;

    @Option(
            names = "--occlusion",
            description =
                    "vr-headset, surgical-mask or none (default: vr-headset for expression,"
                            + " surgical-mask for age and gender)")
    String occlusion;

    @Option(
            names = "--label-mode",
            defaultValue = "majority",
            description = "FER+ labels: majority or probability (default: ${DEFAULT-VALUE})")
    String labelMode;

    @Option(
            names = "--on-bad-record",
            defaultValue = "fail",
            description =
                    "fail: stop at the first bad record, naming file and line; skip: skip, count"
                            + " and report them (default: ${DEFAULT-VALUE})")
    String onBadRecord;

    @Option(
            names = "--synthetic-size",
            defaultValue = "3000",
            description = "synthetic training faces; validation and test get a tenth each")
    int syntheticSize;

    @Option(
            names = "--data-seed",
            defaultValue = "42",
            description = "seed of generated splits and synthetic faces (default: ${DEFAULT-VALUE})")
    long dataSeed;

    @Option(names = "--split-file", description = "UTKFace split file to read or write")
    Path splitFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Creates the options (picocli fills them). */
    public DataArgs() {}

    /**
     * Returns the attribute asked for, or empty for the data set's default.
     *
     * @return the attribute
     */
    public Optional<FaceAttribute> attribute() {
        return task == null ? Optional.empty() : Optional.of(FaceAttribute.parse(task));
    }

    /**
     * Opens the data set, checking the options first.
     *
     * @return the loaded data set
     * @throws IOException if reading fails
     */
    public FaceDataSource open() throws IOException {
        String name = name();
        GivenOptions.of(command).check(rules());
        Path folder = root;
        if (!name.equals("synthetic")) {
            if (folder == null) {
                throw new UserException(
                        Checks.format(
                                "missing --root: give the folder that holds the %s files (%s), or"
                                        + " use --dataset synthetic",
                                name, expectedFiles(name)));
            }
            if (!Files.isDirectory(folder)) {
                throw new UserException(
                        Checks.format("--root %s is not a folder: give the folder that holds %s",
                                folder, expectedFiles(name)));
            }
        } else if (folder == null) {
            folder = Path.of(".");
        }
        DataOptions options =
                DataOptions.defaults()
                        .withOnBadRecord(OnBadRecord.parse(onBadRecord))
                        .withLabelMode(FerLabelMode.parse(labelMode))
                        .withSeed(dataSeed)
                        .withSyntheticSize(syntheticSize);
        Optional<FaceAttribute> attribute = attribute();
        if (attribute.isPresent()) {
            options = options.withAttribute(attribute.get());
        }
        if (splitFile != null) {
            options = options.withSplitFile(splitFile);
        }
        FaceDataSource source;
        try {
            source = DataSources.open(name, folder, options);
        } catch (FileNotFoundException e) {
            throw new UserException(e.getMessage() + " (is --root the right folder?)", e);
        }
        List<RecordIssue> skipped = source.report().skipped();
        if (!skipped.isEmpty()) {
            command.commandLine()
                    .getErr()
                    .println(
                            Checks.format(
                                    "data: skipped %d bad record(s) or image(s) (--on-bad-record"
                                            + " skip; distill stats lists them); first: %s",
                                    skipped.size(),
                                    skipped.get(0)));
        }
        return source;
    }

    /** Returns the data set's name, checked. */
    private String name() {
        String name = dataset.trim().toLowerCase(Locale.ROOT);
        if (!DataSources.NAMES.contains(name)) {
            throw new UserException(
                    Checks.format(
                            "unknown --dataset '%s'; use one of %s",
                            dataset, String.join(", ", DataSources.NAMES)));
        }
        return name;
    }

    /**
     * Returns whether each data option takes effect with the chosen data set: an option given
     * but not used is refused, and left out of {@code config.json}.
     *
     * @return the rules
     */
    List<OptionRule> rules() {
        String name = name();
        String is = "but the data set is " + name;
        return List.of(
                new OptionRule(
                        "--label-mode",
                        name.equals("ferplus"),
                        "is only used by --dataset ferplus, " + is),
                new OptionRule(
                        "--synthetic-size",
                        name.equals("synthetic"),
                        "is only used by --dataset synthetic, " + is),
                new OptionRule(
                        "--data-seed",
                        !name.equals("ferplus"),
                        "is not used by --dataset ferplus, whose splits are fixed (Training,"
                                + " PublicTest, PrivateTest)"),
                new OptionRule(
                        "--split-file",
                        name.equals("utkface"),
                        "is only used by --dataset utkface, " + is),
                new OptionRule(
                        "--root",
                        !name.equals("synthetic"),
                        "is not used by --dataset synthetic, whose faces are generated in memory"));
    }

    /**
     * Returns the occlusion asked for, or the default for the task: the VR headset (upper half)
     * for expressions, the surgical mask (lower half) for age and gender.
     *
     * @param source the opened data set
     * @return the occlusion
     */
    public Occlusion occlusion(FaceDataSource source) {
        if (occlusion != null) {
            return Occlusions.byName(occlusion);
        }
        boolean expression =
                source.task().isClassification() && source.task().numClasses() > 2;
        return expression ? Occlusions.vrHeadset() : Occlusions.surgicalMask();
    }

    private static String expectedFiles(String name) {
        switch (name) {
            case "ferplus":
                return "fer2013.csv and fer2013new.csv";
            case "affectnet":
                return "Manually_Annotated_file_lists/ and Manually_Annotated_Images/";
            case "utkface":
                return "the UTKFace .jpg images";
            default:
                return "its files";
        }
    }
}
