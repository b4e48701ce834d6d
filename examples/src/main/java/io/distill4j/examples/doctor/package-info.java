/**
 * {@code distill doctor}: checks that libtorch computes the architectures' convolutions and
 * poolings right on this machine (float32 against float64, per oneDNN instruction set), and that a
 * tiny batch-norm net trains without NaN gradients; see {@link
 * io.distill4j.models.ConvolutionGuard} for the bug it looks for and the route around it.
 *
 * <p>No method accepts or returns {@code null}.
 */
package io.distill4j.examples.doctor;
