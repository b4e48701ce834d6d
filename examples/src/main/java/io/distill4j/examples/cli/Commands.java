package io.distill4j.examples.cli;

import java.util.List;

/** The subcommands of {@code distill}, in the order help lists them. */
final class Commands {

    private Commands() {}

    static List<Object> all() {
        return List.of(
                new DemoCommand(),
                new CompareCommand(),
                new TrainTeacherCommand(),
                new DistillCommand(),
                new EvaluateCommand(),
                new ReportCommand(),
                new StatsCommand(),
                new ShowCommand(),
                new GenerateCommand(),
                new ModelInfoCommand(),
                new DoctorCommand());
    }
}
