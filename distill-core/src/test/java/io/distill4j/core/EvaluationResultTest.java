package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class EvaluationResultTest {

    @Test
    void metric_classification_isAccuracy() {
        EvaluationResult result =
                new EvaluationResult(
                        Task.classification(3),
                        new long[] {0, 1, 2, 3},
                        new float[] {0, 1, 2, 2},
                        new float[] {0, 2, 2, 1});
        assertThat(result.correct()).containsExactly(true, false, true, false);
        assertThat(result.metric()).isEqualTo(0.5);
    }

    @Test
    void metric_regression_isMeanAbsoluteError() {
        EvaluationResult result =
                new EvaluationResult(
                        Task.regression(),
                        new long[] {0, 1},
                        new float[] {20, 40},
                        new float[] {23, 39});
        assertThat(result.metric()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void best_regression_isLowestError() {
        Timings zero = new Timings(0, 0, 0, 0, 0, 0);
        EpochResult first =
                new EpochResult(
                        1,
                        1.0,
                        Map.of(),
                        Optional.of(
                                new EvaluationResult(
                                        Task.regression(),
                                        new long[] {0},
                                        new float[] {10},
                                        new float[] {14})),
                        1,
                        zero);
        EpochResult second =
                new EpochResult(
                        2,
                        0.5,
                        Map.of(),
                        Optional.of(
                                new EvaluationResult(
                                        Task.regression(),
                                        new long[] {0},
                                        new float[] {10},
                                        new float[] {11})),
                        1,
                        zero);
        TrainingHistory history = new TrainingHistory(Task.regression(), List.of(first, second));
        assertThat(history.best()).containsSame(second);
        assertThat(history.trainLosses()).containsExactly(1.0, 0.5);
    }
}
