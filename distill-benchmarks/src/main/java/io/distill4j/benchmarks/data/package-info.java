/**
 * JMH benchmarks of data loading: how long the adapters take to read data sets at their real sizes,
 * with a bounded heap.
 */
package io.distill4j.benchmarks.data;
