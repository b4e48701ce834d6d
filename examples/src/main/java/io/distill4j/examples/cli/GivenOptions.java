package io.distill4j.examples.cli;

import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options the user gave a command: on the command line, or in a {@code --config} file. Not the
 * options' defaults, and not the settings {@code distill demo} starts from, which the user's
 * options override.
 */
final class GivenOptions {

    /** A source of option values besides the command line that counts as the user's. */
    interface UserValues {

        /**
         * Returns the file the value came from, if the user gave the option there.
         *
         * @param key the option's long name without dashes
         * @return the file, or empty
         */
        Optional<String> source(String key);
    }

    private final ParseResult parse;
    private final UserValues file;

    private GivenOptions(ParseResult parse, UserValues file) {
        this.parse = parse;
        this.file = file;
    }

    /**
     * Returns the options given to a command being run.
     *
     * @param spec the command's spec
     * @return the given options
     */
    static GivenOptions of(CommandSpec spec) {
        CommandLine cli = spec.commandLine();
        CommandLine.IDefaultValueProvider provider = cli.getDefaultValueProvider();
        UserValues file = provider instanceof UserValues u ? u : key -> Optional.empty();
        return new GivenOptions(cli.getParseResult(), file);
    }

    /**
     * Returns whether the user gave an option.
     *
     * @param option the long name, with dashes ({@code --warmup})
     * @return true when it is on the command line or in the config file
     */
    boolean has(String option) {
        return parse.hasMatchedOption(option) || file.source(key(option)).isPresent();
    }

    /**
     * Returns how many times an option is on the command line.
     *
     * @param option the long name, with dashes
     * @return the count
     */
    int occurrences(String option) {
        int n = 0;
        List<String> args = parse.originalArgs();
        for (String arg : args) {
            if (arg.equals(option) || arg.startsWith(option + "=")) {
                n++;
            }
        }
        return n;
    }

    /**
     * Refuses an option the user gave that has no effect: one line naming it and why.
     *
     * @param rule the rule
     * @throws UserException if the option was given and is not used
     */
    void check(OptionRule rule) {
        if (rule.used() || !has(rule.option())) {
            return;
        }
        String where =
                parse.hasMatchedOption(rule.option())
                        ? ""
                        : file.source(key(rule.option())).map(f -> " (set in --config " + f + ")")
                                .orElse("");
        throw new UserException(rule.option() + " " + rule.reason() + where);
    }

    /**
     * Refuses every given option of the rules that has no effect.
     *
     * @param rules the rules
     */
    void check(List<OptionRule> rules) {
        rules.forEach(this::check);
    }

    private static String key(String option) {
        return option.replaceFirst("^--", "");
    }
}
