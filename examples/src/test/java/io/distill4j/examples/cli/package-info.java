/** Tests of the distill command line: outputs, files written, exit codes and messages. */
package io.distill4j.examples.cli;
