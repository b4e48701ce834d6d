package io.distill4j.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import io.distill4j.losses.feature.AdapterMode;
import io.distill4j.losses.feature.HintConfig;
import io.distill4j.losses.feature.HintLoss;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.logits.KdLogitsLoss;
import io.distill4j.losses.logits.KdRegressionConfig;
import io.distill4j.losses.logits.KdRegressionLoss;
import io.distill4j.losses.logits.Norm;
import io.distill4j.losses.metric.Distance;
import io.distill4j.losses.metric.Mining;
import io.distill4j.losses.metric.Negatives;
import io.distill4j.losses.metric.TripletConfig;
import io.distill4j.losses.metric.TripletLoss;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

final class DistillationLossRegistryTest {

    private static final Task CLASSES = Task.classification(8);
    private static final Task AGE = Task.regression();
    private final DistillationLossRegistry registry = DistillationLossRegistry.defaults();

    @Test
    void defaults_builtInsAndServiceLoadedProvider() {
        assertThat(registry.names())
                .containsExactly(
                        "cross-entropy",
                        "finetune",
                        "hint",
                        "kd",
                        "kd-regression",
                        "l1",
                        "task",
                        "third-party",
                        "triplet");
        assertThat(DistillationLossRegistry.builtIns().names()).doesNotContain("third-party");
        assertThat(registry.create("Third-Party", CLASSES, Map.of("scale", "2"))).isInstanceOf(TaskLoss.class);
        assertThat(registry.parameterNames("triplet"))
                .containsExactly("margin", "distance", "normalize", "negatives", "mining", "negative_threshold");
    }

    @Test
    void create_taskAndFinetune_followTheTask() {
        assertThat(((TaskLoss) registry.create("task", CLASSES, Map.of())).isClassification()).isTrue();
        assertThat(((TaskLoss) registry.create("FINETUNE", AGE, Map.of())).isClassification()).isFalse();
        assertThat(registry.create("l1", CLASSES, Map.of()).getName()).isEqualTo("L1");
    }

    @Test
    void create_kd_parsesParametersPerTask() {
        DistillationLoss kd = registry.create("kd", CLASSES, Map.of("temperature", "20", "alpha", "1"));
        assertThat(((KdLogitsLoss) kd).getConfig()).isEqualTo(new KdLogitsConfig(20f, 1f));
        assertThat(((KdLogitsLoss) registry.create("kd", CLASSES, Map.of())).getConfig())
                .isEqualTo(KdLogitsConfig.defaults());
        DistillationLoss age = registry.create("kd", AGE, Map.of("alpha", "0.3", "norm", "L2"));
        assertThat(((KdRegressionLoss) age).getConfig()).isEqualTo(new KdRegressionConfig(0.3f, Norm.L2));
        assertThatThrownBy(() -> registry.create("kd", AGE, Map.of("temperature", "4")))
                .hasMessage("temperature is a parameter of kd on logits, but the task is regression");
        assertThatThrownBy(() -> registry.create("kd", CLASSES, Map.of("norm", "l1")))
                .hasMessage("norm is a parameter of kd for regression, but the task is classification(8 classes)");
        assertThatThrownBy(() -> registry.create("kd-regression", AGE, Map.of("norm", "l3")))
                .hasMessage("norm must be one of [l1, l2], was 'l3'");
    }

    @Test
    void create_badValues_nameParameterAndValue() {
        assertThatThrownBy(() -> registry.create("kd", CLASSES, Map.of("temperature", "-1")))
                .hasMessage("temperature must be finite and > 0, was -1.0");
        assertThatThrownBy(() -> registry.create("kd", CLASSES, Map.of("alpha", "1.5")))
                .hasMessage("alpha must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> registry.create("kd", CLASSES, Map.of("alpha", "half")))
                .hasMessage("alpha must be a number, was 'half'");
        assertThatThrownBy(() -> registry.create("triplet", CLASSES, Map.of("margin", "-0.5")))
                .hasMessage("margin must be finite and > 0, was -0.5");
        assertThatThrownBy(() -> registry.create("triplet", CLASSES, Map.of("normalize", "yes")))
                .hasMessage("normalize must be true or false, was 'yes'");
        assertThatThrownBy(() -> registry.create("triplet", CLASSES, Map.of("mining", "easy")))
                .hasMessage("mining must be one of [hardest, semi-hard, all], was 'easy'");
        assertThatThrownBy(() -> registry.create("triplet", CLASSES, Map.of("negatives", "nobody")))
                .hasMessage("negatives must be one of [student, teacher, both], was 'nobody'");
        assertThatThrownBy(() -> registry.create("hint", CLASSES, Map.of("feature", "c", "adapter", "maybe")))
                .hasMessage("adapter must be one of [auto, always, none], was 'maybe'");
    }

    @Test
    void create_triplet_everyParameter() {
        TripletLoss loss =
                (TripletLoss)
                        registry.create(
                                "triplet",
                                AGE,
                                Map.of(
                                        "margin", "0.5",
                                        "distance", "cosine",
                                        "normalize", "false",
                                        "negatives", "both",
                                        "mining", "all",
                                        "negative_threshold", "10"));
        assertThat(loss.getConfig())
                .isEqualTo(
                        new TripletConfig(
                                0.5f, Distance.COSINE, false, Negatives.BOTH, Mining.ALL, OptionalDouble.of(10)));
        assertThat(((TripletLoss) registry.create("triplet", CLASSES, Map.of())).getConfig())
                .isEqualTo(TripletConfig.defaults());
        assertThatThrownBy(() -> registry.create("triplet", AGE, Map.of()))
                .hasMessage(
                        "triplet needs the parameter 'negative_threshold' for a regression task:"
                                + " image j is a negative of image i when |y_j - y_i| >"
                                + " negative_threshold");
        assertThatThrownBy(() -> registry.create("triplet", CLASSES, Map.of("negative_threshold", "3")))
                .hasMessage(
                        "negative_threshold is for regression targets, but the task is"
                                + " classification(8 classes)");
    }

    @Test
    void create_hint_featureNames() {
        HintLoss same = (HintLoss) registry.create("hint", CLASSES, Map.of("feature", "conv3"));
        assertThat(same.getConfig()).isEqualTo(HintConfig.of("conv3"));
        HintLoss pair =
                (HintLoss)
                        registry.create(
                                "hint",
                                CLASSES,
                                Map.of("student_feature", "s", "teacher_feature", "t", "adapter", "always"));
        assertThat(pair.getConfig()).isEqualTo(new HintConfig("s", "t", AdapterMode.ALWAYS));
        assertThatThrownBy(() -> registry.create("hint", CLASSES, Map.of()))
                .hasMessage(
                        "hint needs the parameter 'feature' (or 'student_feature' and"
                                + " 'teacher_feature')");
    }

    @Test
    void create_unknownNameOrParameter_listsKnownOnes() {
        assertThatThrownBy(() -> registry.create("attention", CLASSES, Map.of()))
                .hasMessage(
                        "unknown strategy 'attention'; known: [cross-entropy, finetune, hint, kd,"
                                + " kd-regression, l1, task, third-party, triplet] (or several"
                                + " joined by '+')");
        assertThatThrownBy(() -> registry.create("kd", CLASSES, Map.of("temprature", "4")))
                .hasMessage("unknown parameter 'temprature' for kd; accepted: [alpha, norm, temperature]");
    }

    @Test
    void create_combination_weightsAndRouting() {
        CombinedDistillationLoss loss =
                (CombinedDistillationLoss)
                        registry.create(
                                "task+kd+triplet",
                                CLASSES,
                                Map.of(
                                        "weights", "0.2, 1, 0.5",
                                        "temperature", "3",
                                        "triplet.margin", "0.7",
                                        "mining", "hardest"));
        assertThat(loss.getComponents())
                .extracting(CombinedDistillationLoss.Component::weight)
                .containsExactly(0.2f, 1f, 0.5f);
        assertThat(((KdLogitsLoss) loss.getComponents().get(1).loss()).getConfig().temperature()).isEqualTo(3f);
        TripletConfig triplet = ((TripletLoss) loss.getComponents().get(2).loss()).getConfig();
        assertThat(triplet.margin()).isEqualTo(0.7f);
        assertThat(triplet.mining()).isEqualTo(Mining.HARDEST);
        assertThat(loss.toString())
                .isEqualTo(
                        "0.2*CrossEntropy + 1.0*KdLogits(T=3.0, alpha=0.5) + 0.5*Triplet(margin=0.7,"
                                + " distance=squared-euclidean, normalize=true, negatives=student,"
                                + " mining=hardest)");
        assertThat(((CombinedDistillationLoss) registry.create("task+hint", CLASSES, Map.of("feature", "conv"))).getComponents())
                .extracting(CombinedDistillationLoss.Component::weight)
                .containsExactly(1f, 1f);
        assertThatThrownBy(() -> registry.create("task+kd", CLASSES, Map.of("weights", "1")))
                .hasMessage("weights must list 2 values for task+kd, was '1'");
        assertThatThrownBy(() -> registry.create("task+kd", CLASSES, Map.of("margin", "1")))
                .hasMessage(
                        "unknown parameter 'margin' for task+kd; accepted: [alpha, norm,"
                                + " temperature, weights] (or <component>.<parameter>)");
        assertThatThrownBy(() -> registry.create("task+nope", CLASSES, Map.of()))
                .hasMessageStartingWith("unknown strategy 'nope'; known: [");
    }

    @Test
    void register_duplicateOrBadName_refused() {
        DistillationLossRegistry r = DistillationLossRegistry.empty();
        r.register("Mine", List.of(), (t, p) -> TaskLoss.l1());
        assertThat(r.names()).containsExactly("mine");
        assertThatThrownBy(() -> r.register("MINE", List.of(), (t, p) -> TaskLoss.l1()))
                .hasMessage("a strategy named 'mine' is already registered");
        assertThatThrownBy(() -> r.register("a+b", List.of(), (t, p) -> TaskLoss.l1()))
                .hasMessage("a strategy name must be non-blank and without '+', was 'a+b'");
        assertThatThrownBy(() -> registry.register("kd", List.of(), (t, p) -> TaskLoss.l1()))
                .hasMessage("a strategy named 'kd' is already registered");
    }

    @Test
    void distillationLosses_factoriesBuildEachStrategy() {
        assertThat(DistillationLosses.task(AGE).getName()).isEqualTo("L1");
        assertThat(DistillationLosses.kdLogits(KdLogitsConfig.defaults()).getName()).isEqualTo("KdLogitsLoss");
        assertThat(DistillationLosses.kdRegression(KdRegressionConfig.defaults()).getName()).isEqualTo("KdRegressionLoss");
        assertThat(DistillationLosses.hint(HintConfig.of("c")).getName()).isEqualTo("HintLoss");
        assertThat(DistillationLosses.triplet(TripletConfig.defaults()).getName()).isEqualTo("TripletLoss");
        assertThat(DistillationLosses.combined().add(1f, TaskLoss.l1()).build().getName())
                .isEqualTo("CombinedDistillationLoss");
        assertThat(DistillationLosses.byName("kd", CLASSES, Map.of())).isInstanceOf(KdLogitsLoss.class);
    }

    @Test
    void lossParameters_duplicateKeyByCase_refused() {
        assertThatThrownBy(() -> LossParameters.of("kd", Map.of("Alpha", "1", "alpha", "0")))
                .hasMessage("parameter 'alpha' of kd is given twice");
    }
}
