/** Tests of the optimizer and the learning-rate schedules. */
package io.distill4j.core.optim;
