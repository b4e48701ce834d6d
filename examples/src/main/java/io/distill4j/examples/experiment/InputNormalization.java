package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.models.Normalization;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a trained teacher (and so every student, which starts from it) normalizes its input: by the
 * training set's per-channel mean and standard deviation ({@code dataset}, the default, as every
 * reference implementation does), not at all ({@code none}, pixels in [0, 1]), or by given values
 * ({@code MEAN/STD}, e.g. {@code 0.5/0.25} or {@code 0.485,0.456,0.406/0.229,0.224,0.225}). The
 * model applies it to whatever view it sees, so the occluder's black becomes {@code -mean/std}
 * for the students as it does for the teacher; the checkpoint records the values.
 *
 * @param label {@code dataset}, {@code none} or the explicit values as given
 * @param explicit the explicit values, when given
 */
public record InputNormalization(String label, Optional<Normalization> explicit) {

    /** The training set's statistics. */
    public static final InputNormalization DATASET =
            new InputNormalization("dataset", Optional.empty());

    /** No normalization. */
    public static final InputNormalization NONE =
            new InputNormalization("none", Optional.of(Normalization.none()));

    /**
     * Validates the components.
     *
     * @param label the label
     * @param explicit the explicit values
     */
    public InputNormalization {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(explicit, "explicit");
    }

    /**
     * Parses {@code dataset}, {@code none} or {@code MEAN/STD} (comma-separated values per
     * channel).
     *
     * @param text the text
     * @return the normalization
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static InputNormalization parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("dataset")) {
            return DATASET;
        }
        if (t.equals("none")) {
            return NONE;
        }
        String[] parts = t.split("/", -1);
        if (parts.length == 2) {
            try {
                float[] mean = floats(parts[0]);
                float[] std = floats(parts[1]);
                return new InputNormalization(t, Optional.of(Normalization.of(mean, std)));
            } catch (NumberFormatException e) {
                // Falls through to the message below.
            }
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "input normalization must be dataset, none or MEAN/STD values (e.g."
                                + " 0.5/0.25, or 0.485,0.456,0.406/0.229,0.224,0.225), was '%s'",
                        text));
    }

    private static float[] floats(String csv) {
        String[] items = csv.split(",", -1);
        float[] values = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            values[i] = Float.parseFloat(items[i].trim());
        }
        return values;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return label;
    }
}
