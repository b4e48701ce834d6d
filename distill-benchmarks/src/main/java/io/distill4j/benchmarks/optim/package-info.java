/** JMH benchmarks of the optimizers. */
package io.distill4j.benchmarks.optim;
