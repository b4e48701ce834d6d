package io.distill4j.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code distill demo}: the whole comparison on synthetic faces, with no data to download, in a
 * few minutes on two cores. Any {@code compare} option may follow and overrides the demo's.
 */
@Command(
        name = "demo",
        description = {
            "Generates synthetic faces, trains a small-cnn teacher on clean faces, and compares",
            "fine-tuning, KD, triplet, KD+triplet and their fusion on VR-occluded faces.",
            "Writes the report to runs/demo. Any compare option may follow, e.g. --seeds 3."
        })
public final class DemoCommand implements Callable<Integer> {

    /** The demo's settings, ahead of the user's own options (which win). */
    static final List<String> DEMO =
            List.of(
                    "compare",
                    "--dataset", "synthetic",
                    "--synthetic-size", "2400",
                    "--occlusion", "vr-headset",
                    "--model", "small-cnn",
                    "--model-option", "widths=16,32,64,128",
                    "--teacher-epochs", "10",
                    "--epochs", "6",
                    "--batch-size", "64",
                    "--lr", "0.002",
                    "--out", "runs/demo");

    @Unmatched List<String> rest = new ArrayList<>();

    @Spec CommandSpec spec;

    /** Creates the command. */
    public DemoCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        if (rest.contains("--help") || rest.contains("-h")) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        List<String> args = new ArrayList<>(DEMO);
        args.addAll(rest);
        CommandLine root = spec.root().commandLine();
        return root.execute(args.toArray(new String[0]));
    }
}
