/** Tests of weighted sums and of the late fusion of students. */
package io.distill4j.losses.combined;
