/**
 * Strategies on intermediate features: FitNets hints, with the learnable adapter that maps a
 * student feature onto the teacher's.
 *
 * <p>No public method takes or returns {@code null}.
 */
package io.distill4j.losses.feature;
