/** Tests of the doctor's probe and report. */
package io.distill4j.examples.doctor;
