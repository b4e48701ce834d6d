/** Tests of {@code io.distill4j.data.csv}. */
package io.distill4j.data.csv;
