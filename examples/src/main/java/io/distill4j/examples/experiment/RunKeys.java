package io.distill4j.examples.experiment;

import io.distill4j.models.DistillModel;
import io.distill4j.models.ModelTeacher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * The keys that decide whether a trained teacher, a finished run, a resume file or the teacher's
 * cached outputs are reused: a SHA-256 over everything that changes the numbers (the data's
 * provenance, which covers every input file's content, the split, the seed, the label mode and the
 * records skipped; the task; the input shape; the model; the training settings; the strategy, its
 * parameters and whether its teacher outputs came from the cache; the seed).
 */
final class RunKeys {

    private RunKeys() {}

    /**
     * The data and preprocessing every key starts with: the data set's provenance (its files'
     * content hashes or image stamps, split, seed, label mode, bad records skipped), the task and
     * the input shape.
     */
    static String data(ExperimentSetup setup) {
        return setup.data.provenance()
                + "|"
                + setup.task
                + "|"
                + ExperimentSetup.shape(setup.inputShape);
    }

    /** The key of the teacher trained by this experiment. */
    static String teacher(ExperimentSetup setup) {
        // TreeMap: Map.copyOf iterates in an order that changes from one JVM to the next.
        return sha256(
                "teacher|"
                        + data(setup)
                        + '|'
                        + setup.architecture
                        + new TreeMap<>(setup.modelOptions)
                        + "|input-norm="
                        + setup.inputNormalization
                        + '|'
                        + setup.teacherSettings
                        + '|'
                        + setup.firstSeed);
    }

    /**
     * The key of one student run.
     *
     * @param cachedTeacher whether the run reads the teacher's outputs from the cache: computed on
     *     other batches than a live teacher's, they can differ in the last bits
     */
    static String run(
            ExperimentSetup setup,
            String strategy,
            int seed,
            DistillModel teacher,
            boolean cachedTeacher) {
        return sha256(
                "run|"
                        + teacher(setup)
                        + '|'
                        + (teacher instanceof ModelTeacher t ? t.getFingerprint() : "")
                        + '|'
                        + setup.occlusion
                        + '|'
                        + strategy
                        + '|'
                        + new TreeMap<>(setup.lossParameters)
                        + '|'
                        + setup.weights.get(strategy)
                        + '|'
                        + (cachedTeacher ? "cached teacher" : "live teacher")
                        + '|'
                        + setup.studentSettings
                        + '|'
                        + seed);
    }

    /** The key of the teacher-output cache's data. */
    static String cacheData(ExperimentSetup setup) {
        return sha256(data(setup) + "|" + setup.occlusion);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
