/**
 * FER+ (Barsoum et al. 2016): the FER2013 images ({@code fer2013.csv}) with the FER+ crowd votes
 * ({@code fer2013new.csv}), read together in one streaming pass, in the {@code majority} or {@code
 * probability} label mode.
 *
 * <p>The public API of this package takes and returns no {@code null}s.
 */
package io.distill4j.data.fer;
