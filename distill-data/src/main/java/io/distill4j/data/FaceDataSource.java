package io.distill4j.data;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Task;

import java.time.Duration;
import java.util.Map;

/**
 * A loaded face data set: its three splits, its task, and what loading left out.
 *
 * <p>Adapters ({@code FerPlus}, {@code AffectNet}, {@code UtkFace}, {@code SyntheticFaces})
 * implement it; {@link DataSources#open} opens one by name.
 */
public interface FaceDataSource {

    /**
     * Returns the data set's name as the command line spells it ({@code ferplus}, {@code
     * affectnet}, {@code utkface}, {@code synthetic}).
     *
     * @return the name
     */
    String name();

    /**
     * Returns the task, with class names for classification.
     *
     * @return the task
     */
    Task task();

    /**
     * Returns one split.
     *
     * @param usage train, validation or test
     * @return the split
     */
    FaceSplit split(Usage usage);

    /**
     * Returns what loading skipped, repaired and excluded.
     *
     * @return the report
     */
    LoadReport report();

    /**
     * Returns how long loading took.
     *
     * @return the wall-clock time
     */
    Duration loadTime();

    /**
     * Returns where the data came from and how it was split, for run logs: the root folder, the
     * label file's SHA-256, the seed, the split file, the label mode. Keys are stable, lower case.
     *
     * @return key to value, in a fixed order
     */
    Map<String, String> provenance();
}
