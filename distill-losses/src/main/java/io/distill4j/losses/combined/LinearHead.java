package io.distill4j.losses.combined;

import io.distill4j.core.Checks;
import java.util.Arrays;
import java.util.Objects;

/**
 * A linear model fitted in double precision, deterministically: a multinomial logistic
 * regression (softmax) classifier fitted by L-BFGS, or a ridge regressor solved in closed form.
 * {@link FusionPredictor} fits one on concatenated embeddings.
 *
 * <p>Classifier: minimizes \( \frac{1}{n} \sum_i -\sum_k y_{ik} \log \mathrm{softmax}(W x_i +
 * b)_k + \frac{\lambda}{2} \|W\|^2 \) (targets one-hot or class distributions). Regressor:
 * minimizes \( \frac{1}{n} \sum_i (y_i - w \cdot x_i - b)^2 + \lambda \|w\|^2 \), solved by a
 * Cholesky factorization of \( \frac{1}{n} X_c^\top X_c + \lambda I \) on centered data.
 */
public final class LinearHead {

    private static final int HISTORY = 10;

    private final double[][] weights;
    private final double[] bias;
    private final boolean classifier;
    private final int iterations;
    private final double gradientNorm;

    private LinearHead(
            double[][] weights,
            double[] bias,
            boolean classifier,
            int iterations,
            double gradientNorm) {
        this.weights = weights;
        this.bias = bias;
        this.classifier = classifier;
        this.iterations = iterations;
        this.gradientNorm = gradientNorm;
    }

    /**
     * Fits a softmax classifier.
     *
     * @param x the features, {@code n} rows of {@code d} values
     * @param targets the targets, {@code n} rows of {@code K} non-negative values summing to 1
     *     (one-hot or distributions)
     * @param l2 the L2 penalty on the weights, finite and {@code >= 0}
     * @param maxIterations the most L-BFGS iterations, {@code > 0}
     * @param tolerance stop when the largest gradient component is below it, {@code > 0}
     * @return the classifier
     * @throws IllegalArgumentException for empty or ragged inputs
     */
    public static LinearHead fitClassifier(
            double[][] x, double[][] targets, double l2, int maxIterations, double tolerance) {
        int n = checkRows(x, "x");
        if (targets.length != n) {
            throw new IllegalArgumentException(
                    Checks.format("x has %d rows but targets %d", n, targets.length));
        }
        int d = x[0].length;
        int k = checkRows(targets, "targets") == 0 ? 0 : targets[0].length;
        if (k < 2) {
            throw new IllegalArgumentException(
                    Checks.format("targets must have >= 2 classes, was %d", k));
        }
        Objective f = new Objective(x, targets, l2);
        double[] theta = new double[k * (d + 1)];
        double[] grad = new double[theta.length];
        double value = f.evaluate(theta, grad);
        double[][] s = new double[HISTORY][];
        double[][] y = new double[HISTORY][];
        double[] rho = new double[HISTORY];
        int stored = 0;
        int iteration = 0;
        while (iteration < maxIterations && maxAbs(grad) >= tolerance) {
            iteration++;
            double[] direction = twoLoop(grad, s, y, rho, stored);
            double slope = dot(direction, grad);
            if (slope >= 0) {
                // Not a descent direction: restart from steepest descent.
                stored = 0;
                direction = scale(grad, -1);
                slope = dot(direction, grad);
            }
            double step = stored == 0 ? Math.min(1, 1 / Math.max(norm(grad), 1e-300)) : 1;
            double[] next = new double[theta.length];
            double[] nextGrad = new double[theta.length];
            double nextValue;
            int halvings = 0;
            while (true) {
                for (int i = 0; i < theta.length; i++) {
                    next[i] = theta[i] + step * direction[i];
                }
                nextValue = f.evaluate(next, nextGrad);
                if (nextValue <= value + 1e-4 * step * slope || halvings > 60) {
                    break;
                }
                step *= 0.5;
                halvings++;
            }
            if (!(nextValue < value) && halvings > 60) {
                break; // no progress possible at double precision
            }
            double[] sk = new double[theta.length];
            double[] yk = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                sk[i] = next[i] - theta[i];
                yk[i] = nextGrad[i] - grad[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12 * norm(sk) * norm(yk)) {
                if (stored == HISTORY) {
                    System.arraycopy(s, 1, s, 0, HISTORY - 1);
                    System.arraycopy(y, 1, y, 0, HISTORY - 1);
                    System.arraycopy(rho, 1, rho, 0, HISTORY - 1);
                    stored--;
                }
                s[stored] = sk;
                y[stored] = yk;
                rho[stored] = 1 / sy;
                stored++;
            }
            theta = next;
            grad = nextGrad;
            value = nextValue;
        }
        double[][] w = new double[k][d];
        double[] b = new double[k];
        for (int c = 0; c < k; c++) {
            System.arraycopy(theta, c * (d + 1), w[c], 0, d);
            b[c] = theta[c * (d + 1) + d];
        }
        return new LinearHead(w, b, true, iteration, maxAbs(grad));
    }

    /**
     * Fits a ridge regressor.
     *
     * @param x the features, {@code n} rows of {@code d} values
     * @param targets the {@code n} target values
     * @param l2 the L2 penalty on the weights, finite and {@code >= 0}
     * @return the regressor
     * @throws IllegalArgumentException for empty or ragged inputs, or for collinear features with
     *     {@code l2 = 0}
     */
    public static LinearHead fitRegressor(double[][] x, double[] targets, double l2) {
        int n = checkRows(x, "x");
        if (targets.length != n) {
            throw new IllegalArgumentException(
                    Checks.format("x has %d rows but targets %d", n, targets.length));
        }
        int d = x[0].length;
        double[] mean = new double[d];
        double yMean = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i][j] / n;
            }
            yMean += targets[i] / n;
        }
        double[][] a = new double[d][d];
        double[] rhs = new double[d];
        for (int i = 0; i < n; i++) {
            double yc = targets[i] - yMean;
            for (int j = 0; j < d; j++) {
                double xj = x[i][j] - mean[j];
                rhs[j] += xj * yc / n;
                for (int l = 0; l <= j; l++) {
                    a[j][l] += xj * (x[i][l] - mean[l]) / n;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            a[j][j] += l2;
            for (int l = 0; l < j; l++) {
                a[l][j] = a[j][l];
            }
        }
        double[] w = choleskySolve(a, rhs);
        double b = yMean - dot(w, mean);
        return new LinearHead(new double[][] {w}, new double[] {b}, false, 0, 0);
    }

    /**
     * Returns the scores of one feature vector: class logits, or the one predicted value.
     *
     * @param features the {@code d} features
     * @return the {@code K} logits, or one value
     */
    public double[] scores(double[] features) {
        if (features.length != inputSize()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "features must have %d values, was %d", inputSize(), features.length));
        }
        double[] out = new double[weights.length];
        for (int c = 0; c < weights.length; c++) {
            out[c] = bias[c] + dot(weights[c], features);
        }
        return out;
    }

    /**
     * Returns whether this is a classifier (else a regressor).
     *
     * @return true for the classifier
     */
    public boolean isClassifier() {
        return classifier;
    }

    /**
     * Returns the number of features.
     *
     * @return {@code d}
     */
    public int inputSize() {
        return weights[0].length;
    }

    /**
     * Returns the number of outputs: classes, or 1.
     *
     * @return {@code K} or 1
     */
    public int outputSize() {
        return weights.length;
    }

    /**
     * Returns a copy of the weights, one row per output.
     *
     * @return the weights
     */
    public double[][] weights() {
        double[][] copy = new double[weights.length][];
        for (int c = 0; c < weights.length; c++) {
            copy[c] = weights[c].clone();
        }
        return copy;
    }

    /**
     * Returns a copy of the biases, one per output.
     *
     * @return the biases
     */
    public double[] bias() {
        return bias.clone();
    }

    /**
     * Returns the number of L-BFGS iterations the classifier took (0 for the regressor).
     *
     * @return the iterations
     */
    public int iterations() {
        return iterations;
    }

    /**
     * Returns the largest gradient component at the classifier's solution (0 for the regressor,
     * which is exact).
     *
     * @return the gradient's largest absolute component
     */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "LinearHead{%s, %d -> %d%s}",
                classifier ? "softmax" : "ridge",
                inputSize(),
                outputSize(),
                classifier ? Checks.format(", %d iterations", iterations) : "");
    }

    /** The regularized mean cross-entropy and its gradient. */
    static final class Objective {
        private final double[][] x;
        private final double[][] targets;
        private final double l2;

        Objective(double[][] x, double[][] targets, double l2) {
            this.x = x;
            this.targets = targets;
            this.l2 = l2;
        }

        double evaluate(double[] theta, double[] grad) {
            int n = x.length;
            int d = x[0].length;
            int k = targets[0].length;
            Arrays.fill(grad, 0);
            double loss = 0;
            double[] z = new double[k];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    int o = c * (d + 1);
                    double v = theta[o + d];
                    for (int j = 0; j < d; j++) {
                        v += theta[o + j] * x[i][j];
                    }
                    z[c] = v;
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(z[c] - max);
                }
                double logSum = max + Math.log(sum);
                for (int c = 0; c < k; c++) {
                    double p = Math.exp(z[c] - logSum);
                    loss -= targets[i][c] * (z[c] - logSum) / n;
                    double r = (p - targets[i][c]) / n;
                    int o = c * (d + 1);
                    for (int j = 0; j < d; j++) {
                        grad[o + j] += r * x[i][j];
                    }
                    grad[o + d] += r;
                }
            }
            for (int c = 0; c < k; c++) {
                int o = c * (d + 1);
                for (int j = 0; j < d; j++) {
                    loss += 0.5 * l2 * theta[o + j] * theta[o + j];
                    grad[o + j] += l2 * theta[o + j];
                }
            }
            return loss;
        }
    }

    private static double[] twoLoop(
            double[] grad, double[][] s, double[][] y, double[] rho, int stored) {
        double[] q = grad.clone();
        double[] alpha = new double[stored];
        for (int i = stored - 1; i >= 0; i--) {
            alpha[i] = rho[i] * dot(s[i], q);
            for (int j = 0; j < q.length; j++) {
                q[j] -= alpha[i] * y[i][j];
            }
        }
        if (stored > 0) {
            double gamma = dot(s[stored - 1], y[stored - 1]) / dot(y[stored - 1], y[stored - 1]);
            for (int j = 0; j < q.length; j++) {
                q[j] *= gamma;
            }
        }
        for (int i = 0; i < stored; i++) {
            double beta = rho[i] * dot(y[i], q);
            for (int j = 0; j < q.length; j++) {
                q[j] += s[i][j] * (alpha[i] - beta);
            }
        }
        for (int j = 0; j < q.length; j++) {
            q[j] = -q[j];
        }
        return q;
    }

    private static double[] choleskySolve(double[][] a, double[] b) {
        int d = b.length;
        double[][] l = new double[d][d];
        for (int j = 0; j < d; j++) {
            double sum = a[j][j];
            for (int k = 0; k < j; k++) {
                sum -= l[j][k] * l[j][k];
            }
            if (!(sum > 1e-12 * Math.max(1, a[j][j]))) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the features are collinear (feature %d), so the regressor is not"
                                        + " unique; set l2 > 0",
                                j));
            }
            l[j][j] = Math.sqrt(sum);
            for (int i = j + 1; i < d; i++) {
                double v = a[i][j];
                for (int k = 0; k < j; k++) {
                    v -= l[i][k] * l[j][k];
                }
                l[i][j] = v / l[j][j];
            }
        }
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            double v = b[i];
            for (int k = 0; k < i; k++) {
                v -= l[i][k] * z[k];
            }
            z[i] = v / l[i][i];
        }
        double[] w = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double v = z[i];
            for (int k = i + 1; k < d; k++) {
                v -= l[k][i] * w[k];
            }
            w[i] = v / l[i][i];
        }
        return w;
    }

    private static int checkRows(double[][] rows, String name) {
        Objects.requireNonNull(rows, name);
        if (rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException(Checks.format("%s must not be empty", name));
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != rows[0].length) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "%s row %d has %d values, row 0 has %d",
                                name, i, rows[i].length, rows[0].length));
            }
            for (double v : rows[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(
                            Checks.format("%s row %d holds a non-finite value %s", name, i, v));
                }
            }
        }
        return rows.length;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double[] scale(double[] a, double f) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * f;
        }
        return r;
    }
}
