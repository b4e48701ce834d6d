package io.distill4j.losses.combined;

import io.distill4j.core.Checks;
import io.distill4j.core.View;
import java.util.Objects;

/**
 * How {@link FusionPredictor} fits its linear model.
 *
 * @param view the view the students embed, for fitting and by default for evaluation; {@link
 *     View#OCCLUDED} by default (the students see occluded faces)
 * @param l2 the L2 penalty \( \lambda \), finite and {@code >= 0}: the objective adds \( \frac{\lambda}{2}
 *     \|W\|^2 \) to the mean cross-entropy (classification) or \( \lambda \|w\|^2 \) to the mean
 *     squared error (ridge regression); the bias is not penalized; 1e-3 by default
 * @param maxIterations the most L-BFGS iterations of the classifier, {@code > 0}; 1000 by default
 * @param tolerance the classifier stops when the largest gradient component is below it, finite
 *     and {@code > 0}; 1e-7 by default
 */
public record FusionOptions(View view, double l2, int maxIterations, double tolerance) {

    /**
     * Validates the options.
     *
     * @param view the view to embed
     * @param l2 the L2 penalty
     * @param maxIterations the most iterations
     * @param tolerance the gradient tolerance
     */
    public FusionOptions {
        Objects.requireNonNull(view, "view");
        if (!Double.isFinite(l2) || l2 < 0) {
            throw new IllegalArgumentException(
                    Checks.format("l2 must be finite and >= 0, was %s", l2));
        }
        Checks.positive("maxIterations", maxIterations);
        if (!Double.isFinite(tolerance) || tolerance <= 0) {
            throw new IllegalArgumentException(
                    Checks.format("tolerance must be finite and > 0, was %s", tolerance));
        }
    }

    /**
     * Returns the defaults: occluded view, {@code l2 = 1e-3}, 1000 iterations, tolerance 1e-7.
     *
     * @return the default options
     */
    public static FusionOptions defaults() {
        return new FusionOptions(View.OCCLUDED, 1e-3, 1000, 1e-7);
    }

    /**
     * Returns a copy with another L2 penalty.
     *
     * @param value the penalty
     * @return the copy
     */
    public FusionOptions withL2(double value) {
        return new FusionOptions(view, value, maxIterations, tolerance);
    }

    /**
     * Returns a copy embedding another view.
     *
     * @param value the view
     * @return the copy
     */
    public FusionOptions withView(View value) {
        return new FusionOptions(value, l2, maxIterations, tolerance);
    }
}
