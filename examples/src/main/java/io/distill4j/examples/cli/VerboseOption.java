package io.distill4j.examples.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces on errors (read by {@link DistillCli} before parsing). */
public final class VerboseOption {

    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    /** Creates the option. */
    public VerboseOption() {}
}
