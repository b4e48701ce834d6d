package io.distill4j.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a model predicts: one of {@code N} classes (facial expression, gender), or one real value
 * (age).
 *
 * <p>Classification models output {@code N} logits per image; regression models output one value
 * per image. Validation reports accuracy for classification and mean absolute error for
 * regression.
 *
 * @param type classification or regression
 * @param classNames the class names in label order (empty for regression)
 */
public record Task(Type type, List<String> classNames) {

    /** The kind of task. */
    public enum Type {
        /** One of {@code N >= 2} classes; targets are class indices or class distributions. */
        CLASSIFICATION,
        /** One real value per image; targets are values. */
        REGRESSION
    }

    /**
     * Validates and copies the components.
     *
     * @param type classification or regression
     * @param classNames the class names in label order (empty for regression)
     */
    public Task {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(classNames, "classNames");
        classNames = List.copyOf(classNames);
        if (type == Type.CLASSIFICATION) {
            if (classNames.size() < 2) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "a classification task needs >= 2 classes, was %d",
                                classNames.size()));
            }
            Set<String> seen = new HashSet<>();
            for (String name : classNames) {
                if (name.isBlank() || !seen.add(name)) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "class names must be non-blank and unique, was %s",
                                    classNames));
                }
            }
        } else if (!classNames.isEmpty()) {
            throw new IllegalArgumentException(
                    Checks.format("a regression task has no class names, was %s", classNames));
        }
    }

    /**
     * Returns a classification task with classes named {@code "0"} to {@code "N-1"}.
     *
     * @param numClasses the number of classes, at least 2
     * @return the task
     */
    public static Task classification(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException(
                    Checks.format("numClasses must be >= 2, was %d", numClasses));
        }
        List<String> names = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) {
            names.add(Integer.toString(i));
        }
        return new Task(Type.CLASSIFICATION, names);
    }

    /**
     * Returns a classification task with the given class names, in label order.
     *
     * @param classNames the class names
     * @return the task
     */
    public static Task classification(List<String> classNames) {
        return new Task(Type.CLASSIFICATION, classNames);
    }

    /**
     * Returns a regression task (one output per image).
     *
     * @return the task
     */
    public static Task regression() {
        return new Task(Type.REGRESSION, List.of());
    }

    /**
     * Returns whether this is a classification task.
     *
     * @return true for classification
     */
    public boolean isClassification() {
        return type == Type.CLASSIFICATION;
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     * @throws IllegalStateException for a regression task
     */
    public int numClasses() {
        if (!isClassification()) {
            throw new IllegalStateException("a regression task has no classes");
        }
        return classNames.size();
    }

    /**
     * Returns the size of a model's prediction per image: the number of classes, or 1.
     *
     * @return the output size
     */
    public int outputSize() {
        return isClassification() ? classNames.size() : 1;
    }

    /**
     * Returns the name of the validation metric: {@code accuracy} or {@code mae}.
     *
     * @return the metric name
     */
    public String metricName() {
        return isClassification() ? "accuracy" : "mae";
    }

    /**
     * Returns whether a larger metric value is better (accuracy) or a smaller one (mean absolute
     * error).
     *
     * @return true when larger is better
     */
    public boolean higherIsBetter() {
        return isClassification();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return isClassification()
                ? Checks.format("classification(%d classes)", classNames.size())
                : "regression";
    }
}
