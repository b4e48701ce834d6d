import io.distill4j.losses.combined.LinearHead;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fits LinearHead's softmax classifier (the fusion's, FusionOptions.defaults(): l2 1e-3, 1,000
 * iterations, tolerance 1e-7) on features and one-hot targets written by
 * tools/bench/check_protocol.py, and writes what it found, for the comparison with
 * pytorch_protocol.fit_softmax.
 *
 * <pre>
 * java -cp examples/target/distill.jar tools/bench/JavaLinearHead.java IN N D K OUT
 * </pre>
 *
 * IN holds n*d features then n*k targets (float64, little endian); OUT gets the iterations (one
 * float64) and the k*(d+1) weights, row by row, bias last (float64, little endian).
 */
public final class JavaLinearHead {

    private JavaLinearHead() {}

    public static void main(String[] args) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[0])))
                .order(ByteOrder.LITTLE_ENDIAN);
        int n = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        int k = Integer.parseInt(args[3]);
        double[][] x = new double[n][d];
        double[][] y = new double[n][k];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = in.getDouble();
            }
        }
        for (double[] row : y) {
            for (int j = 0; j < k; j++) {
                row[j] = in.getDouble();
            }
        }
        LinearHead head = LinearHead.fitClassifier(x, y, 1e-3, 1000, 1e-7);
        ByteBuffer out = ByteBuffer.allocate(8 * (1 + k * (d + 1))).order(ByteOrder.LITTLE_ENDIAN);
        out.putDouble(head.iterations());
        double[][] w = head.weights();
        double[] b = head.bias();
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                out.putDouble(w[c][j]);
            }
            out.putDouble(b[c]);
        }
        Files.write(Path.of(args[4]), out.array());
    }
}
