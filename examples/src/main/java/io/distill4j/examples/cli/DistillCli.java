package io.distill4j.examples.cli;

import io.distill4j.core.StopRequest;
import io.distill4j.data.DatasetFormatException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code distill} command: knowledge distillation under drastic face occlusion.
 *
 * <p>Exit status: 0 on success, 2 for bad input (one line saying what to do: a bad option, a
 * missing file, a bad record or image with its file and line), 1 for an internal error, 130 or
 * 143 when stopped by Ctrl-C or {@code kill} (SIGINT, SIGTERM: at the next batch, every finished
 * epoch kept; see {@link SignalStop}).
 */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        versionProvider = DistillCli.Version.class,
        description = {
            "Teacher-student training and triplet loss for half-hidden faces (VR headset, surgical"
                    + " mask).",
            "Start with: distill demo"
        },
        subcommands = {CommandLine.HelpCommand.class})
public final class DistillCli implements Runnable {

    /** Exit status for bad input. */
    public static final int USAGE = 2;

    /** Creates the top command. */
    public DistillCli() {}

    /** Prints the usage: the top command does nothing by itself. */
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        if (args.length > 0 && SignalStop.COMMANDS.contains(args[0])) {
            SignalStop.install(err);
        }
        System.exit(execute(args, new PrintWriter(System.out, true), err));
    }

    /**
     * Runs the command line with the given streams, returning the exit status (for tests).
     *
     * @param args the arguments
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        boolean verbose = false;
        for (String arg : args) {
            verbose |= arg.equals("--verbose");
        }
        cli.setParameterExceptionHandler(new ParameterErrors());
        try {
            ConfigFile config = ConfigFile.fromArgs(args);
            if (config != null) {
                cli.setDefaultValueProvider(config);
            }
        } catch (UserException e) {
            err.println("distill: " + e.getMessage());
            return USAGE;
        }
        cli.setExecutionExceptionHandler(new ExecutionErrors(verbose));
        return cli.execute(args);
    }

    /**
     * Returns the configured command tree.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DistillCli());
        for (Object command : Commands.all()) {
            cli.addSubcommand(command);
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Help fills the terminal's width (80 columns when it cannot be read).
        cli.setUsageHelpAutoWidth(true);
        // An option given twice is an error (demo's own settings are defaults, not options).
        cli.setOverwrittenOptionsAllowed(false);
        return cli;
    }

    /** One line for a bad option, with the command's help hint. */
    private static final class ParameterErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr()
                    .println(
                            "distill: "
                                    + ex.getMessage()
                                    + " (see: "
                                    + cmd.getCommandSpec().qualifiedName()
                                    + " --help)");
            return USAGE;
        }
    }

    /** One line for bad input, status 2; other failures status 1; stack traces on --verbose. */
    private static final class ExecutionErrors implements IExecutionExceptionHandler {

        private final boolean verbose;

        ExecutionErrors(boolean verbose) {
            this.verbose = verbose;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parse) {
            PrintWriter err = cmd.getErr();
            StopRequest.Stopped stopped = cause(ex, StopRequest.Stopped.class);
            if (stopped != null || SignalStop.received() != null) {
                // Whatever the loop was doing when the stop came: the finished epochs are saved.
                err.println(
                        "distill: stopped by "
                                + (SignalStop.received() != null
                                        ? SignalStop.received()
                                        : stopped.getReason())
                                + "; every finished epoch is saved, and the same command resumes"
                                + " after the last of them");
                if (verbose) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return SignalStop.exitStatus() != 0 ? SignalStop.exitStatus() : 1;
            }
            boolean user = isUserError(ex);
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            DatasetFormatException data = cause(ex, DatasetFormatException.class);
            if (data != null) {
                // A bad record or image, wherever it surfaced (loading, or a batch in training):
                // its file, line and problem.
                user = true;
                message = data.getMessage();
            }
            if (ex instanceof NoSuchFileException) {
                message = "no such file or folder: " + message;
            }
            if (user) {
                err.println("distill: " + message);
            } else {
                err.println("distill: internal error: " + message + " (rerun with --verbose)");
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return user ? USAGE : 1;
        }

        /** The first exception of the given type in the cause chain, or null. */
        private static <T extends Throwable> T cause(Throwable ex, Class<T> type) {
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (type.isInstance(t)) {
                    return type.cast(t);
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return null;
        }

        private static boolean isUserError(Throwable ex) {
            return ex instanceof UserException
                    || ex instanceof IllegalArgumentException
                    || ex instanceof NoSuchFileException
                    || (ex instanceof UncheckedIOException
                            && ex.getCause() instanceof NoSuchFileException);
        }
    }

    /** The version: the library's, from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DistillCli.class.getPackage().getImplementationVersion();
            return new String[] {"distill " + (version == null ? "(development)" : version)};
        }
    }
}
