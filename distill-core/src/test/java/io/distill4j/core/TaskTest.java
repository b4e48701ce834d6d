package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class TaskTest {

    @Test
    void classification_byCount_namesClasses() {
        Task task = Task.classification(3);
        assertThat(task.classNames()).containsExactly("0", "1", "2");
        assertThat(task.outputSize()).isEqualTo(3);
        assertThat(task.metricName()).isEqualTo("accuracy");
        assertThat(task.higherIsBetter()).isTrue();
    }

    @Test
    void regression_outputsOneValue() {
        Task task = Task.regression();
        assertThat(task.outputSize()).isEqualTo(1);
        assertThat(task.metricName()).isEqualTo("mae");
        assertThat(task.higherIsBetter()).isFalse();
        assertThatThrownBy(task::numClasses)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a regression task has no classes");
    }

    @Test
    void classification_oneClass_isRefused() {
        assertThatThrownBy(() -> Task.classification(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numClasses must be >= 2, was 1");
    }

    @Test
    void classification_duplicateNames_isRefused() {
        assertThatThrownBy(() -> Task.classification(List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("class names must be non-blank and unique, was [a, a]");
    }
}
