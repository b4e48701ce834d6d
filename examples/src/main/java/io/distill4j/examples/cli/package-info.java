/**
 * The {@code distill} command line: {@code demo}, {@code compare}, {@code train-teacher}, {@code
 * distill}, {@code evaluate}, {@code stats}, {@code show} and {@code model-info}.
 *
 * <p>Bad input (a missing folder or file, an unknown name, contradictory options) ends the
 * command with exit status 2 and one line that says what to do; {@code --verbose} adds the stack
 * trace.
 */
package io.distill4j.examples.cli;
