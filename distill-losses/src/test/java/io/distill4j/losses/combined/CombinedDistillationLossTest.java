package io.distill4j.losses.combined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.core.BindingContext;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.LossTerms;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.losses.feature.HintConfig;
import io.distill4j.losses.feature.HintLoss;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.logits.KdLogitsLoss;
import io.distill4j.losses.metric.TripletConfig;
import io.distill4j.losses.metric.TripletLoss;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class CombinedDistillationLossTest {

    private static DistillationInput input(NDManager m) {
        m.getEngine().setRandomSeed(7);
        ModelOutput s =
                new ModelOutput(
                        m.randomNormal(new Shape(6, 3)),
                        m.randomNormal(new Shape(6, 4)),
                        Map.of("conv", m.randomNormal(new Shape(6, 2, 4, 4))));
        ModelOutput t =
                new ModelOutput(
                        m.randomNormal(new Shape(6, 3)),
                        m.randomNormal(new Shape(6, 4)),
                        Map.of("conv", m.randomNormal(new Shape(6, 2, 4, 4))));
        return DistillationInput.of(m.create(new float[] {0, 1, 2, 0, 1, 2}), s, t);
    }

    @Test
    void toString_readsLikeTheFormula() {
        CombinedDistillationLoss loss =
                CombinedDistillationLoss.builder()
                        .add(0.9f, new KdLogitsLoss(new KdLogitsConfig(4f, 0.5f)))
                        .add(0.1f, TaskLoss.crossEntropy())
                        .build();
        assertThat(loss).hasToString("0.9*KdLogits(T=4.0, alpha=0.5) + 0.1*CrossEntropy");
        assertThat(loss.getName()).isEqualTo("CombinedDistillationLoss");
        assertThat(loss.getComponents()).extracting(CombinedDistillationLoss.Component::name)
                .containsExactly("KdLogitsLoss", "CrossEntropy");
    }

    @Test
    void compute_weightedSumOfComponents_termsByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            DistillationInput in = input(m);
            KdLogitsLoss kd = new KdLogitsLoss(KdLogitsConfig.defaults());
            TripletLoss triplet = new TripletLoss(TripletConfig.defaults().withMargin(1f));
            HintLoss hint = new HintLoss(HintConfig.of("conv"));
            CombinedDistillationLoss loss =
                    CombinedDistillationLoss.builder()
                            .add(0.5f, kd)
                            .add(1f, triplet)
                            .add(0.1f, hint)
                            .add(0.3f, TaskLoss.crossEntropy())
                            .add(0.2f, TaskLoss.crossEntropy())
                            .build();
            LossTerms terms = loss.compute(in);
            assertThat(terms.terms())
                    .containsOnlyKeys(
                            "KdLogitsLoss", "TripletLoss", "HintLoss", "CrossEntropy", "CrossEntropy#2");
            float kdValue = kd.compute(in).total().getFloat();
            float tripletValue = triplet.compute(in).total().getFloat();
            float hintValue = hint.compute(in).total().getFloat();
            float ce = TaskLoss.crossEntropy().compute(in).total().getFloat();
            assertThat(terms.terms().get("KdLogitsLoss").getFloat()).isCloseTo(0.5f * kdValue, within(1e-5f));
            assertThat(terms.terms().get("HintLoss").getFloat()).isCloseTo(0.1f * hintValue, within(1e-5f));
            assertThat(terms.total().getFloat())
                    .isCloseTo(
                            0.5f * kdValue + tripletValue + 0.1f * hintValue + 0.5f * ce,
                            within(1e-4f));
            assertThat(loss.requiresTeacher()).isTrue();

            // As a DJL evaluator, through the named lists.
            loss.addAccumulator("train");
            loss.updateAccumulator("train", in.toLabels(), in.toPredictions());
            loss.updateAccumulator("train", in.toLabels(), in.toPredictions());
            assertThat(loss.getAccumulator("train")).isCloseTo(terms.total().getFloat(), within(1e-4f));
            assertThat(loss.getComponentAccumulator("TripletLoss", "train"))
                    .isCloseTo(tripletValue, within(1e-5f));
            assertThatThrownBy(() -> loss.getComponentAccumulator("Nope", "train"))
                    .hasMessage(
                            "no component named 'Nope'; components: [KdLogitsLoss, TripletLoss,"
                                    + " HintLoss, CrossEntropy, CrossEntropy#2]");
            loss.resetAccumulator("train");
            assertThat(loss.getAccumulator("train")).isNaN();
        }
    }

    @Test
    void bindAndAdapters_delegateToComponents() {
        HintLoss hint = new HintLoss(HintConfig.of("conv"));
        CombinedDistillationLoss loss =
                CombinedDistillationLoss.builder().add(1f, TaskLoss.crossEntropy()).add(0.1f, hint).build();
        BindingContext context =
                new BindingContext(
                        Task.classification(3),
                        new Shape(1, 8, 8),
                        new OutputSpec(new Shape(3), new Shape(4), Map.of("conv", new Shape(2, 4, 4))),
                        Optional.of(
                                new OutputSpec(
                                        new Shape(3), new Shape(4), Map.of("conv", new Shape(5, 4, 4)))));
        loss.bind(context);
        assertThat(loss.getAdapters()).isEqualTo(hint.getAdapters()).hasSize(1);
        assertThatThrownBy(
                        () ->
                                CombinedDistillationLoss.builder()
                                        .add(1f, TaskLoss.l1())
                                        .build()
                                        .bind(context))
                .hasMessage("L1 does not fit a classification(3 classes) task; use TaskLoss.forTask(task)");
        assertThat(
                        CombinedDistillationLoss.builder()
                                .add(1f, TaskLoss.crossEntropy())
                                .build()
                                .requiresTeacher())
                .isFalse();
    }

    @Test
    void builder_badInput_refused() {
        assertThatThrownBy(() -> CombinedDistillationLoss.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("add(...) at least one component before build()");
        assertThatThrownBy(() -> CombinedDistillationLoss.builder().add(-1f, TaskLoss.crossEntropy()))
                .hasMessage("weight must be finite and >= 0, was -1.0");
        assertThatThrownBy(
                        () ->
                                CombinedDistillationLoss.builder()
                                        .add("task", 1f, TaskLoss.crossEntropy())
                                        .add("task", 1f, TaskLoss.l1()))
                .hasMessage("a component named 'task' was already added");
    }
}
