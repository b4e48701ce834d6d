package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link DistillationLoss} scores, by name rather than by list position: the ground
 * truth, the sample indices, the student's output on the occluded images and (optionally) the
 * teacher's output on the clean images.
 *
 * <p>DJL's {@link ai.djl.training.loss.Loss} sees two {@link NDList}s, {@code labels} and {@code
 * predictions}. This class writes the contract between them down once: {@link #toLabels()} and
 * {@link #toPredictions()} name every array ({@code target}, {@code index}, {@code
 * teacher.prediction}, {@code teacher.embedding}, {@code teacher.feature.<name>}, {@code
 * student.prediction}, {@code student.embedding}, {@code student.feature.<name>}), and {@link
 * #fromLists} reads them back. Strategies never index into the lists themselves.
 */
public final class DistillationInput {

    /** Name of the ground-truth array in the labels list. */
    public static final String TARGET = "target";

    /** Name of the sample-index array in the labels list. */
    public static final String INDEX = "index";

    /** Prefix of the teacher's arrays in the labels list. */
    public static final String TEACHER = "teacher.";

    /** Prefix of the student's arrays in the predictions list. */
    public static final String STUDENT = "student.";

    private static final String PREDICTION = "prediction";
    private static final String EMBEDDING = "embedding";
    private static final String FEATURE = "feature.";

    private final NDArray target;
    private final NDArray indices;
    private final ModelOutput student;
    private final ModelOutput teacher;

    private DistillationInput(
            NDArray target, NDArray indices, ModelOutput student, ModelOutput teacher) {
        this.target = Objects.requireNonNull(target, "target");
        this.indices = indices;
        this.student = Objects.requireNonNull(student, "student");
        this.teacher = teacher;
    }

    /**
     * Creates an input without a teacher (fine-tuning, task loss only).
     *
     * @param target the ground truth
     * @param student the student's output
     * @return the input
     */
    public static DistillationInput of(NDArray target, ModelOutput student) {
        return new DistillationInput(target, null, student, null);
    }

    /**
     * Creates an input with a teacher.
     *
     * @param target the ground truth
     * @param student the student's output on the occluded images
     * @param teacher the teacher's output on the clean images
     * @return the input
     */
    public static DistillationInput of(NDArray target, ModelOutput student, ModelOutput teacher) {
        return new DistillationInput(
                target, null, student, Objects.requireNonNull(teacher, "teacher"));
    }

    /**
     * Returns a copy that carries the batch's sample indices.
     *
     * @param sampleIndices the indices, {@code (B)}
     * @return the new input
     */
    public DistillationInput withIndices(NDArray sampleIndices) {
        return new DistillationInput(
                target, Objects.requireNonNull(sampleIndices, "sampleIndices"), student, teacher);
    }

    /**
     * Returns the ground truth: class indices {@code (B)}, class distributions {@code (B, N)} or
     * values {@code (B)}.
     *
     * @return the target
     */
    public NDArray getTarget() {
        return target;
    }

    /**
     * Returns the sample indices, when the batch carried them.
     *
     * @return the indices
     */
    public Optional<NDArray> getIndices() {
        return Optional.ofNullable(indices);
    }

    /**
     * Returns the student's output.
     *
     * @return the output
     */
    public ModelOutput getStudent() {
        return student;
    }

    /**
     * Returns the teacher's output, if there is a teacher.
     *
     * @return the output
     */
    public Optional<ModelOutput> getTeacher() {
        return Optional.ofNullable(teacher);
    }

    /**
     * Returns the teacher's output, failing with a clear message if there is none.
     *
     * @param lossName the name of the loss that needs it, for the message
     * @return the output
     */
    public ModelOutput requireTeacher(String lossName) {
        if (teacher == null) {
            throw new IllegalStateException(
                    Checks.format(
                            "%s needs the teacher's outputs, but the labels carry none; give the"
                                    + " trainer a teacher",
                            lossName));
        }
        return teacher;
    }

    /**
     * Returns the batch size.
     *
     * @return the batch size
     */
    public long batchSize() {
        return student.batchSize();
    }

    /**
     * Returns the labels list, every array named: {@code [target, index?, teacher.*...]}.
     *
     * @return the list (the arrays are this input's, renamed)
     */
    public NDList toLabels() {
        NDList list = new NDList();
        list.add(named(target, TARGET));
        if (indices != null) {
            list.add(named(indices, INDEX));
        }
        if (teacher != null) {
            addOutput(list, TEACHER, teacher);
        }
        return list;
    }

    /**
     * Returns the predictions list, every array named: {@code [student.prediction,
     * student.embedding, student.feature.*...]}. The prediction comes first, so DJL's {@code
     * Accuracy} evaluator reads it with {@code head()}.
     *
     * @return the list
     */
    public NDList toPredictions() {
        NDList list = new NDList();
        addOutput(list, STUDENT, student);
        return list;
    }

    /**
     * Reads the lists written by {@link #toLabels()} and {@link #toPredictions()}.
     *
     * @param labels the labels list
     * @param predictions the predictions list
     * @return the input
     * @throws IllegalArgumentException naming the missing array and the arrays found
     */
    public static DistillationInput fromLists(NDList labels, NDList predictions) {
        NDArray target = require(labels, TARGET, "labels");
        NDArray indices = labels.contains(INDEX) ? labels.get(INDEX) : null;
        ModelOutput student = readOutput(predictions, STUDENT, "predictions");
        ModelOutput teacher =
                labels.contains(TEACHER + PREDICTION)
                        ? readOutput(labels, TEACHER, "labels")
                        : null;
        return new DistillationInput(target, indices, student, teacher);
    }

    private static void addOutput(NDList list, String prefix, ModelOutput output) {
        list.add(named(output.getPrediction(), prefix + PREDICTION));
        list.add(named(output.getEmbedding(), prefix + EMBEDDING));
        output.getFeatures().forEach((k, v) -> list.add(named(v, prefix + FEATURE + k)));
    }

    private static ModelOutput readOutput(NDList list, String prefix, String listName) {
        NDArray prediction = require(list, prefix + PREDICTION, listName);
        NDArray embedding = require(list, prefix + EMBEDDING, listName);
        Map<String, NDArray> features = new LinkedHashMap<>();
        String featurePrefix = prefix + FEATURE;
        for (NDArray array : list) {
            String name = array.getName();
            if (name != null && name.startsWith(featurePrefix)) {
                features.put(name.substring(featurePrefix.length()), array);
            }
        }
        return new ModelOutput(prediction, embedding, features);
    }

    private static NDArray require(NDList list, String name, String listName) {
        if (!list.contains(name)) {
            List<String> found = new ArrayList<>();
            for (NDArray array : list) {
                found.add(array.getName());
            }
            throw new IllegalArgumentException(
                    Checks.format(
                            "the %s list has no array named '%s' (found %s); build the lists with"
                                    + " DistillationInput.toLabels() and toPredictions()",
                            listName, name, found));
        }
        return list.get(name);
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
