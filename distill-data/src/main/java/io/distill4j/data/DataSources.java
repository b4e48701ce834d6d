package io.distill4j.data;

import io.distill4j.core.Checks;
import io.distill4j.data.affectnet.AffectNet;
import io.distill4j.data.fer.FerPlus;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.data.utkface.UtkFace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens a data set by the name the command line uses: {@code ferplus}, {@code affectnet}, {@code
 * utkface} or {@code synthetic}.
 *
 * <pre>{@code
 * FaceDataSource data = DataSources.open("ferplus", Path.of("data/ferplus"),
 *         DataOptions.defaults().withOnBadRecord(OnBadRecord.SKIP));
 * }</pre>
 */
public final class DataSources {

    /** The names {@link #open} accepts. */
    public static final List<String> NAMES =
            List.of("ferplus", "affectnet", "utkface", "synthetic");

    private DataSources() {}

    /**
     * Opens (loads) a data set.
     *
     * @param name {@code ferplus}, {@code affectnet}, {@code utkface} or {@code synthetic}
     *     (case-insensitive)
     * @param root the folder the data set was unpacked in (ignored for {@code synthetic}, which is
     *     generated in memory)
     * @param options the options; each adapter reads those that apply to it
     * @return the loaded data set
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or an
     *     attribute the data set does not have
     * @throws java.io.FileNotFoundException if the folder lacks an expected file (the message names
     *     it)
     * @throws DatasetFormatException for a bad record under {@link OnBadRecord#FAIL}
     * @throws IOException if reading fails
     */
    public static FaceDataSource open(String name, Path root, DataOptions options)
            throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(options, "options");
        String key = name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "ferplus":
                requireAttribute(key, options, FaceAttribute.EXPRESSION);
                return FerPlus.builder()
                        .setRoot(root)
                        .optLabelMode(options.labelMode())
                        .optOnBadRecord(options.onBadRecord())
                        .load();
            case "affectnet":
                requireAttribute(key, options, FaceAttribute.EXPRESSION);
                AffectNet.Builder affect =
                        AffectNet.builder()
                                .setRoot(root)
                                .optSeed(options.seed())
                                .optValidationFraction(options.validationFraction())
                                .optOnBadRecord(options.onBadRecord());
                options.verifyImages().ifPresent(affect::optVerifyImages);
                return affect.load();
            case "utkface":
                requireAttribute(key, options, FaceAttribute.AGE, FaceAttribute.GENDER);
                UtkFace.Builder utk =
                        UtkFace.builder()
                                .setRoot(root)
                                .optAttribute(options.attribute().orElse(FaceAttribute.AGE))
                                .optSeed(options.seed())
                                .optFractions(options.validationFraction(), options.testFraction())
                                .optOnBadRecord(options.onBadRecord());
                options.splitFile().ifPresent(utk::optSplitFile);
                options.verifyImages().ifPresent(utk::optVerifyImages);
                return utk.load();
            case "synthetic":
                int train = options.syntheticSize();
                int held = Math.max(1, train / 10);
                return SyntheticFaces.builder()
                        .optSeed(options.seed())
                        .optAttribute(options.attribute().orElse(FaceAttribute.EXPRESSION))
                        .optSizes(train, held, held)
                        .build();
            default:
                throw new IllegalArgumentException(
                        Checks.format(
                                "dataset must be one of %s, was '%s'",
                                String.join(", ", NAMES), name));
        }
    }

    private static void requireAttribute(
            String dataset, DataOptions options, FaceAttribute... accepted) {
        if (options.attribute().isEmpty()) {
            return;
        }
        FaceAttribute a = options.attribute().get();
        for (FaceAttribute ok : accepted) {
            if (ok == a) {
                return;
            }
        }
        StringBuilder names = new StringBuilder();
        for (FaceAttribute ok : accepted) {
            names.append(names.length() == 0 ? "" : " or ").append(ok.optionName());
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "attribute must be %s for %s, was %s", names, dataset, a.optionName()));
    }
}
