package io.distill4j.losses.feature;

import io.distill4j.core.Checks;
import java.util.Objects;

/**
 * The parameters of {@link HintLoss}.
 *
 * @param studentFeature the name of the student's feature (the "guided" layer), one of the
 *     student's declared feature names
 * @param teacherFeature the name of the teacher's feature (the "hint" layer), one of the teacher's
 *     declared feature names
 * @param adapter when to put a learnable adapter on the student feature; {@link AdapterMode#AUTO}
 *     by default
 */
public record HintConfig(String studentFeature, String teacherFeature, AdapterMode adapter) {

    /**
     * Validates the parameters.
     *
     * @param studentFeature the student's feature
     * @param teacherFeature the teacher's feature
     * @param adapter when to adapt
     */
    public HintConfig {
        Objects.requireNonNull(studentFeature, "studentFeature");
        Objects.requireNonNull(teacherFeature, "teacherFeature");
        Objects.requireNonNull(adapter, "adapter");
        if (studentFeature.isBlank() || teacherFeature.isBlank()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "feature names must not be blank, were '%s' and '%s'",
                            studentFeature, teacherFeature));
        }
    }

    /**
     * Returns the configuration for a feature of the same name in both models, adapted when the
     * shapes differ.
     *
     * @param feature the feature name
     * @return the configuration
     */
    public static HintConfig of(String feature) {
        return new HintConfig(feature, feature, AdapterMode.AUTO);
    }

    /**
     * Returns a copy with another adapter mode.
     *
     * @param value the mode
     * @return the copy
     */
    public HintConfig withAdapter(AdapterMode value) {
        return new HintConfig(studentFeature, teacherFeature, value);
    }

    /**
     * Returns a copy reading another teacher feature.
     *
     * @param value the teacher's feature name
     * @return the copy
     */
    public HintConfig withTeacherFeature(String value) {
        return new HintConfig(studentFeature, value, adapter);
    }
}
