/** JMH benchmarks of the architectures: training steps and teacher passes. */
package io.distill4j.benchmarks.models;
