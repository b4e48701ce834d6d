package io.distill4j.examples.experiment;

import io.distill4j.models.DistillModel;
import io.distill4j.models.ModelTeacher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * The keys that decide whether a trained teacher, a finished run or a resume file is reused: a
 * SHA-256 over everything that changes the numbers (the data's provenance, the input shape, the
 * model, the training settings, the strategy and its parameters, the seed).
 */
final class RunKeys {

    private RunKeys() {}

    /** The key of the teacher trained by this experiment. */
    static String teacher(ExperimentSetup setup) {
        return sha256(
                "teacher|"
                        + setup.data.provenance()
                        + '|'
                        + ExperimentSetup.shape(setup.inputShape)
                        + '|'
                        + setup.architecture
                        + setup.modelOptions
                        + '|'
                        + setup.teacherSettings
                        + '|'
                        + setup.firstSeed);
    }

    /** The key of one student run. */
    static String run(ExperimentSetup setup, String strategy, int seed, DistillModel teacher) {
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
                        + setup.studentSettings
                        + '|'
                        + seed);
    }

    /** The key of the teacher-output cache's data. */
    static String cacheData(ExperimentSetup setup) {
        return sha256(setup.data.provenance() + "|" + setup.inputShape + "|" + setup.occlusion);
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
