package io.distill4j.losses.combined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

final class LinearHeadTest {

    @Test
    void fitRegressor_exactLinearData_recoversWeights() {
        Random random = new Random(1);
        double[][] x = new double[40][3];
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian();
            }
            y[i] = 2 * x[i][0] - 3 * x[i][1] + 0.5 * x[i][2] + 7;
        }
        LinearHead head = LinearHead.fitRegressor(x, y, 0);
        assertThat(head.weights()[0]).containsExactly(new double[] {2, -3, 0.5}, within(1e-9));
        assertThat(head.bias()[0]).isCloseTo(7, within(1e-9));
        assertThat(head.scores(new double[] {1, 1, 1})[0]).isCloseTo(6.5, within(1e-9));
        assertThat(head.isClassifier()).isFalse();
    }

    @Test
    void fitRegressor_ridgeOneFeature_matchesClosedForm() {
        // One centered feature: w = cov(x, y) / (var(x) + l2), with population (1/n) moments.
        double[][] x = {{-1}, {0}, {1}, {2}};
        double[] y = {1, 2, 2, 5};
        LinearHead head = LinearHead.fitRegressor(x, y, 0.5);
        double mx = 0.5;
        double my = 2.5;
        double cov = 0;
        double var = 0;
        for (int i = 0; i < 4; i++) {
            cov += (x[i][0] - mx) * (y[i] - my) / 4;
            var += (x[i][0] - mx) * (x[i][0] - mx) / 4;
        }
        double w = cov / (var + 0.5);
        assertThat(head.weights()[0][0]).isCloseTo(w, within(1e-12));
        assertThat(head.bias()[0]).isCloseTo(my - w * mx, within(1e-12));
    }

    @Test
    void fitRegressor_collinearWithoutPenalty_refused() {
        double[][] x = {{1, 2}, {2, 4}, {3, 6}};
        assertThatThrownBy(() -> LinearHead.fitRegressor(x, new double[] {1, 2, 3}, 0))
                .hasMessage(
                        "the features are collinear (feature 1), so the regressor is not unique;"
                                + " set l2 > 0");
        assertThat(LinearHead.fitRegressor(x, new double[] {1, 2, 3}, 1e-3).outputSize()).isEqualTo(1);
    }

    @Test
    void fitClassifier_separableBlobs_perfectAndStationary() {
        Random random = new Random(2);
        double[][] centers = {{3, 0}, {-3, 0}, {0, 3}};
        double[][] x = new double[60][];
        double[][] t = new double[60][3];
        for (int i = 0; i < 60; i++) {
            int c = i % 3;
            x[i] = new double[] {centers[c][0] + 0.5 * random.nextGaussian(), centers[c][1] + 0.5 * random.nextGaussian()};
            t[i][c] = 1;
        }
        double l2 = 1e-2;
        LinearHead head = LinearHead.fitClassifier(x, t, l2, 1000, 1e-9);
        for (int i = 0; i < 60; i++) {
            assertThat(argMax(head.scores(x[i]))).isEqualTo(i % 3);
        }
        // The optimum of a strictly convex objective: its gradient, recomputed here, is ~0.
        assertThat(head.gradientNorm()).isLessThan(1e-9);
        double[] theta = new double[3 * 3];
        double[][] w = head.weights();
        double[] b = head.bias();
        for (int c = 0; c < 3; c++) {
            theta[c * 3] = w[c][0];
            theta[c * 3 + 1] = w[c][1];
            theta[c * 3 + 2] = b[c];
        }
        double[] grad = new double[theta.length];
        double value = new LinearHead.Objective(x, t, l2).evaluate(theta, grad);
        for (double g : grad) {
            assertThat(Math.abs(g)).isLessThan(1e-8);
        }
        // Any small move raises the objective.
        for (int k = 0; k < theta.length; k++) {
            for (double step : new double[] {1e-3, -1e-3}) {
                double[] moved = theta.clone();
                moved[k] += step;
                assertThat(new LinearHead.Objective(x, t, l2).evaluate(moved, new double[theta.length]))
                        .isGreaterThan(value);
            }
        }
    }

    @Test
    void fitClassifier_twoPointsOneFeature_knownOptimum() {
        // x = +1 (class 0) and x = -1 (class 1), no penalty on the bias, l2 = 0.5 on the weights.
        // By symmetry b0 = b1 and w0 = -w1 = w. The gradient in w0 is
        // (1/2) [(sigmoid(2w) - 1) - (1 - sigmoid(2w))] + 0.5 w = 0, so w = 2 (1 - sigmoid(2w)),
        // solved by bisection here.
        double lo = 0;
        double hi = 2;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            double f = mid - 2 * (1 - 1 / (1 + Math.exp(-2 * mid)));
            if (f > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        LinearHead head =
                LinearHead.fitClassifier(
                        new double[][] {{1}, {-1}}, new double[][] {{1, 0}, {0, 1}}, 0.5, 1000, 1e-12);
        assertThat(head.weights()[0][0]).isCloseTo(lo, within(1e-8));
        assertThat(head.weights()[1][0]).isCloseTo(-lo, within(1e-8));
        assertThat(head.bias()[0] - head.bias()[1]).isCloseTo(0, within(1e-8));
    }

    @Test
    void fit_badInput_refused() {
        assertThatThrownBy(() -> LinearHead.fitClassifier(new double[][] {{1}, {2, 3}}, new double[][] {{1, 0}, {0, 1}}, 0, 10, 1e-6))
                .hasMessage("x row 1 has 2 values, row 0 has 1");
        assertThatThrownBy(() -> LinearHead.fitClassifier(new double[][] {{1}}, new double[][] {{1}}, 0, 10, 1e-6))
                .hasMessage("targets must have >= 2 classes, was 1");
        assertThatThrownBy(() -> LinearHead.fitRegressor(new double[][] {{Double.NaN}}, new double[] {1}, 0))
                .hasMessage("x row 0 holds a non-finite value NaN");
        assertThatThrownBy(() -> new FusionOptions(io.distill4j.core.View.OCCLUDED, -1, 10, 1e-6))
                .hasMessage("l2 must be finite and >= 0, was -1.0");
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
