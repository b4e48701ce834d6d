import ai.djl.training.dataset.Dataset.Usage;
import io.distill4j.data.Augmentation;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.PairedView;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.SeededSampler;
import io.distill4j.data.fer.FerPlus;
import io.distill4j.data.occlusion.Occlusions;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Dumps what the Java data pipeline gives, for tools/bench/check_protocol.py to compare with
 * pytorch_protocol.py: split sizes and labels (FerPlus, majority rule), SeededSampler orders,
 * and the clean and occluded views (PairedViewDataset.view: augmentation, then the VR headset)
 * of some training images in some epochs, as float32 bits. No engine is needed.
 *
 * <pre>
 * java -cp examples/target/distill.jar tools/bench/JavaViews.java ROOT SEED EPOCHS AUGMENT OUT \
 *     INDEX...
 * </pre>
 *
 * AUGMENT is none, flip, crop or flip+crop (crop padding 4). Writes OUT.json and OUT.bin (for
 * every epoch, then every index: the clean view's 2,304 floats, then the occluded view's, little
 * endian).
 */
public final class JavaViews {

    private JavaViews() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int epochs = Integer.parseInt(args[2]);
        String augment = args[3];
        Path out = Path.of(args[4]);
        int[] indices = new int[args.length - 5];
        for (int i = 5; i < args.length; i++) {
            indices[i - 5] = Integer.parseInt(args[i]);
        }
        FerPlus fer = FerPlus.builder().setRoot(root).load();
        Augmentation augmentation =
                new Augmentation(augment.contains("flip"), augment.contains("crop") ? 4 : 0);
        FaceSplit train = fer.split(Usage.TRAIN);
        PairedViewDataset dataset =
                PairedViewDataset.builder()
                        .setSource(train)
                        .optOcclusion(Occlusions.vrHeadset())
                        .optAugmentation(augmentation)
                        .optSeed(seed)
                        .setSampling(64, true)
                        .build();
        SeededSampler sampler = new SeededSampler(64, true, false, seed);
        StringBuilder json = new StringBuilder("{\n");
        for (Usage usage : new Usage[] {Usage.TRAIN, Usage.VALIDATION, Usage.TEST}) {
            FaceSplit split = fer.split(usage);
            json.append(String.format(Locale.ROOT, " \"%s\": [", usage.name().toLowerCase(Locale.ROOT)));
            for (int i = 0; i < split.size(); i++) {
                json.append(i == 0 ? "" : ",").append(split.classIndex(i));
            }
            json.append("],\n");
        }
        json.append(" \"orders\": [");
        ByteBuffer buffer =
                ByteBuffer.allocate(epochs * indices.length * 2 * FerPlus.PIXELS * 4)
                        .order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder codes = new StringBuilder(" \"codes\": [");
        for (int e = 0; e < epochs; e++) {
            int[] order = sampler.order(train.size(), e);
            json.append(e == 0 ? "[" : ",[");
            for (int i = 0; i < order.length; i++) {
                json.append(i == 0 ? "" : ",").append(order[i]);
            }
            json.append("]");
            codes.append(e == 0 ? "[" : ",[");
            for (int k = 0; k < indices.length; k++) {
                PairedView view = dataset.view(indices[k], e);
                for (float v : view.clean().pixels()) {
                    buffer.putFloat(v);
                }
                for (float v : view.occluded().pixels()) {
                    buffer.putFloat(v);
                }
                codes.append(k == 0 ? "" : ",").append(view.augmentation());
            }
            codes.append("]");
        }
        json.append("],\n").append(codes).append("]\n}\n");
        Files.writeString(Path.of(out + ".json"), json.toString());
        Files.write(Path.of(out + ".bin"), buffer.array());
    }
}
