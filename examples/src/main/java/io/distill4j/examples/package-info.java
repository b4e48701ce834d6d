/**
 * Small programs that show the Distill4J API as a Maven user meets it: training a teacher and
 * distilling a student, composing a new loss combination, loading a PyTorch teacher.
 */
package io.distill4j.examples;
