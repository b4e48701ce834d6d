package io.distill4j.examples.cli;

import io.distill4j.core.Checks;
import io.distill4j.data.synthetic.FerPlusWriter;
import io.distill4j.data.synthetic.UtkFaceWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distill generate}: synthetic faces written in a real data set's distributed format. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Writes synthetic faces in a real data set's format, for the real adapters:"
                    + " ferplus (fer2013.csv + fer2013new.csv, labels from ten simulated votes) or"
                    + " utkface ([age]_[gender]_[race]_[date&time].jpg.chip.jpg images)."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, description = "ferplus or utkface")
    String format;

    @Option(names = "--out", required = true, description = "the folder to write")
    Path out;

    @Option(
            names = "--size",
            defaultValue = "4000",
            description =
                    "ferplus: rows of fer2013.csv, split as FER2013's 35,887 are (28,709 Training,"
                            + " 3,589 PublicTest, 3,589 PrivateTest; the majority rule then drops"
                            + " some, as in the real set); utkface: images (default:"
                            + " ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin VerboseOption verbose;

    @Spec CommandSpec spec;

    /** Creates the command (picocli fills its options). */
    public GenerateCommand() {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        String message;
        switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "ferplus":
                if (size < 3) {
                    throw new UserException(
                            Checks.format(
                                    "--size must be >= 3 for ferplus (a row for each of Training,"
                                            + " PublicTest and PrivateTest), was %d",
                                    size));
                }
                int[] rows = ferPlusRows(size);
                FerPlusWriter.Summary summary =
                        FerPlusWriter.builder()
                                .setDirectory(out)
                                .optSizes(rows[0], rows[1], rows[2])
                                .optSeed(seed)
                                .write();
                message =
                        Checks.format(
                                "wrote %s and %s (%d rows: %d Training, %d PublicTest, %d"
                                        + " PrivateTest)",
                                summary.imageFile(),
                                summary.labelFile(),
                                summary.totalRows(),
                                rows[0],
                                rows[1],
                                rows[2]);
                break;
            case "utkface":
                if (size < 1) {
                    throw new UserException(Checks.format("--size must be >= 1, was %d", size));
                }
                int images =
                        UtkFaceWriter.builder()
                                .setDirectory(out)
                                .optCount(size)
                                .optSeed(seed)
                                .write()
                                .size();
                message = Checks.format("wrote %d UTKFace images to %s", images, out);
                break;
            default:
                throw new UserException(
                        Checks.format("--format must be ferplus or utkface, was '%s'", format));
        }
        spec.commandLine().getOut().println(message);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Splits {@code total} rows as FER2013's 35,887 are split: 3,589 each for PublicTest and
     * PrivateTest (rounded in proportion, at least one each), the rest Training.
     */
    static int[] ferPlusRows(int total) {
        int held = (int) Math.max(1, Math.round(total * 3589.0 / 35887.0));
        return new int[] {total - 2 * held, held, held};
    }
}
