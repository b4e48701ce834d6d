/** The memory soak: a child JVM that trains with every optimizer and strategy, and its test. */
package io.distill4j.examples.soak;
