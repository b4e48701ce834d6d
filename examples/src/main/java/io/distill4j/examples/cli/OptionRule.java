package io.distill4j.examples.cli;

import java.util.Objects;

/**
 * Whether an option takes effect with the other options as they are, and why not: an option given
 * but not used is refused ({@link GivenOptions#check(OptionRule)}), and left out of the saved
 * {@code config.json}.
 *
 * @param option the long name, with dashes ({@code --warmup})
 * @param used whether the option takes effect
 * @param reason why it does not, after the option's name: {@code "is only used by --schedule
 *     one-cycle, but the schedule is cosine"}
 */
record OptionRule(String option, boolean used, String reason) {

    /**
     * Validates the rule.
     *
     * @param option the option
     * @param used whether it takes effect
     * @param reason why not
     */
    OptionRule {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(reason, "reason");
    }
}
