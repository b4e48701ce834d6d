/** Tests that run every example program with tiny settings, so that the examples cannot rot. */
package io.distill4j.examples;
