package io.distill4j.data;

import io.distill4j.core.Checks;
import io.distill4j.data.fer.FerLabelMode;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The options {@link DataSources#open} passes to an adapter; each adapter reads the ones that apply
 * to it and ignores the rest.
 *
 * @param onBadRecord what to do with bad records (all adapters); default {@link OnBadRecord#FAIL}
 * @param seed the seed of generated splits and synthetic faces (affectnet, utkface, synthetic);
 *     default 42
 * @param labelMode the FER+ label mode (ferplus); default {@link FerLabelMode#MAJORITY}
 * @param attribute the target attribute: expression (ferplus, affectnet, synthetic), age or gender
 *     (utkface, synthetic); empty for each data set's default (expression; age for utkface)
 * @param validationFraction the fraction held out for validation (affectnet, utkface); default 0.1
 * @param testFraction the fraction held out for testing (utkface); default 0.1
 * @param splitFile the split file (utkface); empty for {@code utkface-split-seed<seed>.csv} in the
 *     root
 * @param syntheticSize the number of synthetic training faces (synthetic); validation and test get
 *     a tenth each (at least 1); default 4000
 * @param verifyImages whether to read every image's header at load time (affectnet, utkface); empty
 *     for each adapter's default
 */
public record DataOptions(
        OnBadRecord onBadRecord,
        long seed,
        FerLabelMode labelMode,
        Optional<FaceAttribute> attribute,
        float validationFraction,
        float testFraction,
        Optional<Path> splitFile,
        int syntheticSize,
        Optional<Boolean> verifyImages) {

    /**
     * Validates the components.
     *
     * @param onBadRecord the bad-record policy
     * @param seed the seed
     * @param labelMode the FER+ label mode
     * @param attribute the target attribute, or empty
     * @param validationFraction the validation fraction, in [0, 1)
     * @param testFraction the test fraction, in [0, 1), with their sum below 1
     * @param splitFile the split file, or empty
     * @param syntheticSize the synthetic training set size, in [1, 10000000]
     * @param verifyImages whether to verify images, or empty
     */
    public DataOptions {
        Objects.requireNonNull(onBadRecord, "onBadRecord");
        Objects.requireNonNull(labelMode, "labelMode");
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(splitFile, "splitFile");
        Objects.requireNonNull(verifyImages, "verifyImages");
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "validationFraction must be in [0, 1), was %s", validationFraction));
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("testFraction must be in [0, 1), was %s", testFraction));
        }
        if (validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "validationFraction + testFraction must be < 1, were %s + %s",
                            validationFraction, testFraction));
        }
        if (syntheticSize < 1 || syntheticSize > 10_000_000) {
            throw new IllegalArgumentException(
                    Checks.format("syntheticSize must be in [1, 10000000], was %d", syntheticSize));
        }
    }

    /**
     * Returns the defaults: fail on bad records, seed 42, majority labels, each data set's default
     * attribute, 0.1 validation and 0.1 test, the default split file, 4000 synthetic faces.
     *
     * @return the options
     */
    public static DataOptions defaults() {
        return new DataOptions(
                OnBadRecord.FAIL,
                42,
                FerLabelMode.MAJORITY,
                Optional.empty(),
                0.1f,
                0.1f,
                Optional.empty(),
                4000,
                Optional.empty());
    }

    /**
     * Returns a copy with another bad-record policy.
     *
     * @param value the policy
     * @return the options
     */
    public DataOptions withOnBadRecord(OnBadRecord value) {
        return new DataOptions(
                value,
                seed,
                labelMode,
                attribute,
                validationFraction,
                testFraction,
                splitFile,
                syntheticSize,
                verifyImages);
    }

    /**
     * Returns a copy with another seed.
     *
     * @param value the seed
     * @return the options
     */
    public DataOptions withSeed(long value) {
        return new DataOptions(
                onBadRecord,
                value,
                labelMode,
                attribute,
                validationFraction,
                testFraction,
                splitFile,
                syntheticSize,
                verifyImages);
    }

    /**
     * Returns a copy with another FER+ label mode.
     *
     * @param value the mode
     * @return the options
     */
    public DataOptions withLabelMode(FerLabelMode value) {
        return new DataOptions(
                onBadRecord,
                seed,
                value,
                attribute,
                validationFraction,
                testFraction,
                splitFile,
                syntheticSize,
                verifyImages);
    }

    /**
     * Returns a copy with a target attribute.
     *
     * @param value the attribute
     * @return the options
     */
    public DataOptions withAttribute(FaceAttribute value) {
        return new DataOptions(
                onBadRecord,
                seed,
                labelMode,
                Optional.of(value),
                validationFraction,
                testFraction,
                splitFile,
                syntheticSize,
                verifyImages);
    }

    /**
     * Returns a copy with other hold-out fractions.
     *
     * @param validation the validation fraction
     * @param test the test fraction
     * @return the options
     */
    public DataOptions withFractions(float validation, float test) {
        return new DataOptions(
                onBadRecord,
                seed,
                labelMode,
                attribute,
                validation,
                test,
                splitFile,
                syntheticSize,
                verifyImages);
    }

    /**
     * Returns a copy with a split file.
     *
     * @param value the file
     * @return the options
     */
    public DataOptions withSplitFile(Path value) {
        return new DataOptions(
                onBadRecord,
                seed,
                labelMode,
                attribute,
                validationFraction,
                testFraction,
                Optional.of(value),
                syntheticSize,
                verifyImages);
    }

    /**
     * Returns a copy with another synthetic training set size.
     *
     * @param value the size
     * @return the options
     */
    public DataOptions withSyntheticSize(int value) {
        return new DataOptions(
                onBadRecord,
                seed,
                labelMode,
                attribute,
                validationFraction,
                testFraction,
                splitFile,
                value,
                verifyImages);
    }

    /**
     * Returns a copy that verifies (or does not verify) images at load time.
     *
     * @param value whether to verify
     * @return the options
     */
    public DataOptions withVerifyImages(boolean value) {
        return new DataOptions(
                onBadRecord,
                seed,
                labelMode,
                attribute,
                validationFraction,
                testFraction,
                splitFile,
                syntheticSize,
                Optional.of(value));
    }
}
