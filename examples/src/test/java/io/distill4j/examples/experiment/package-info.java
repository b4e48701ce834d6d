/** Tests of the experiment runner, its statistics and its reports. */
package io.distill4j.examples.experiment;
