package io.distill4j.data;

import io.distill4j.core.Checks;

import java.util.Locale;
import java.util.Objects;

/** What a face data set is labelled with, and so which task a model learns from it. */
public enum FaceAttribute {
    /** The facial expression: a classification (FER+, AffectNet, synthetic). */
    EXPRESSION,
    /** The age in years: a regression (UTKFace, synthetic). */
    AGE,
    /** The gender, 0 male and 1 female: a binary classification (UTKFace, synthetic). */
    GENDER;

    /**
     * Parses {@code expression}, {@code age} or {@code gender} (case-insensitive).
     *
     * @param text the name
     * @return the attribute
     * @throws IllegalArgumentException for any other name
     */
    public static FaceAttribute parse(String text) {
        Objects.requireNonNull(text, "text");
        for (FaceAttribute a : values()) {
            if (a.optionName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                Checks.format("attribute must be expression, age or gender, was '%s'", text));
    }

    /**
     * Returns the lower-case name.
     *
     * @return the name
     */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
