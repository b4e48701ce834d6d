/**
 * JMH benchmarks of Distill4J, run by hand with {@code java -jar
 * distill-benchmarks/target/benchmarks.jar <regex>}: losses ({@code losses}), architectures
 * ({@code models}), whole training epochs ({@code training}) and data loading ({@code data}).
 * This package holds their shared base class; {@code BENCHMARKS.md} at the repository root
 * records measured numbers and the conditions they were measured in.
 */
package io.distill4j.benchmarks;
