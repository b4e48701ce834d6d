import ai.djl.training.dataset.Dataset.Usage;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.synthetic.SyntheticFaces;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes clean synthetic faces (io.distill4j.data.synthetic.SyntheticFaces, training split) to a
 * little-endian binary file that tools/examples/make_torchscript_teacher.py reads: int32 count,
 * int32 side, then per face int32 expression class and side*side float32 grey pixels in [0, 1].
 *
 * <p>Run (Java's single-file source launcher, with the examples' runnable jar on the class path):
 * {@code java -cp examples/target/distill.jar tools/examples/WriteSyntheticFaces.java OUT COUNT
 * SEED SIDE}
 */
public final class WriteSyntheticFaces {

    private WriteSyntheticFaces() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: WriteSyntheticFaces OUT COUNT SEED SIDE");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        int side = Integer.parseInt(args[3]);
        FaceSplit split =
                SyntheticFaces.builder()
                        .optSizes(count, 0, 0)
                        .optSeed(seed)
                        .optImageSize(side)
                        .build()
                        .split(Usage.TRAIN);
        ByteBuffer buffer =
                ByteBuffer.allocate(Integer.BYTES * (1 + side * side)).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out))) {
            buffer.putInt(count).putInt(side);
            os.write(buffer.array(), 0, 2 * Integer.BYTES);
            for (int i = 0; i < count; i++) {
                FaceImage image = split.image(i).toChannels(1).resize(side, side);
                buffer.clear();
                buffer.putInt(split.classIndex(i));
                for (float p : image.pixels()) {
                    buffer.putFloat(p);
                }
                os.write(buffer.array(), 0, buffer.position());
            }
        }
        System.out.println("wrote " + count + " faces of " + side + "x" + side + " to " + out);
    }
}
