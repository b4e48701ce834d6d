import io.distill4j.core.optim.LearningRateSchedule;

/**
 * Prints LearningRateSchedule's rate at every step, for tools/bench/check_protocol.py to compare
 * with pytorch_protocol.learning_rate.
 *
 * <pre>
 * java -cp examples/target/distill.jar tools/bench/JavaSchedule.java KIND BASE TOTAL PER_EPOCH \
 *     STEP_EPOCHS GAMMA WARMUP
 * </pre>
 *
 * One line per step 1..TOTAL: the rate as Float.toString writes it (exact for a float).
 */
public final class JavaSchedule {

    private JavaSchedule() {}

    public static void main(String[] args) {
        int total = Integer.parseInt(args[2]);
        LearningRateSchedule schedule =
                new LearningRateSchedule(
                        LearningRateSchedule.Kind.parse(args[0]),
                        Float.parseFloat(args[1]),
                        total,
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        Float.parseFloat(args[5]),
                        Float.parseFloat(args[6]));
        StringBuilder sb = new StringBuilder();
        for (int step = 1; step <= total; step++) {
            sb.append(schedule.getNewValue(step)).append('\n');
        }
        System.out.print(sb);
    }
}
