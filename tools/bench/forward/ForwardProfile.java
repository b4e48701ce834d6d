import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.distill4j.core.Task;
import io.distill4j.models.Architectures;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.TorchScriptModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * resnet18's inference pass (batch 64 of 1x48x48, 8 classes) built from the library's blocks
 * against the same network traced to TorchScript by PyTorch (forward_profile.py writes it), both
 * run by DJL's libtorch: the median of 60 timed passes each, twice, and libtorch's profiler over
 * 20 passes of each (Chrome trace JSON, summed per operator by forward_profile.py --summarize).
 *
 *   /usr/bin/python3 tools/bench/forward/forward_profile.py --out /tmp/fwd
 *   javac -cp examples/target/distill.jar -d /tmp/fwd tools/bench/forward/ForwardProfile.java
 *   OMP_NUM_THREADS=2 java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 \
 *       -Dai.djl.pytorch.num_interop_threads=1 -cp examples/target/distill.jar:/tmp/fwd \
 *       ForwardProfile /tmp/fwd
 *   /usr/bin/python3 tools/bench/forward/forward_profile.py --summarize /tmp/fwd
 */
public final class ForwardProfile {

    private ForwardProfile() {}

    private static double medianMillis(Runnable pass, int n, int warmUp) {
        for (int i = 0; i < warmUp; i++) {
            pass.run();
        }
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            pass.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[n / 2];
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Engine.getInstance().setRandomSeed(1);
        Shape input = new Shape(1, 48, 48);
        try (NDManager manager = NDManager.newBaseManager();
                ModelTeacher blocks =
                        ModelTeacher.create(
                                Architectures.builder("resnet18")
                                        .setInputShape(input)
                                        .setTask(Task.classification(8))
                                        .build());
                ModelTeacher script =
                        TorchScriptModel.builder()
                                .setModelPath(dir.resolve("resnet18.pt"))
                                .setInputShape(1, 48, 48)
                                .optTask(Task.classification(8))
                                .optFeatureNames(List.of("stage1", "stage2", "stage3", "stage4"))
                                .buildTeacher()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(64).addAll(input));
            for (String name : new String[] {"blocks", "torchscript"}) {
                ModelTeacher teacher = name.equals("blocks") ? blocks : script;
                Runnable pass =
                        () -> {
                            try (NDManager batch = manager.newSubManager()) {
                                batch.tempAttachAll(x);
                                teacher.predict(x).getPrediction().getFloat(0, 0);
                            }
                        };
                medianMillis(pass, 1, 10);
                JniUtils.startProfile(false, true, false);
                for (int i = 0; i < 20; i++) {
                    pass.run();
                }
                JniUtils.stopProfile(dir.resolve("java-" + name + ".json").toString());
            }
            for (int round = 1; round <= 2; round++) {
                for (String name : new String[] {"blocks", "torchscript"}) {
                    ModelTeacher teacher = name.equals("blocks") ? blocks : script;
                    double ms =
                            medianMillis(
                                    () -> {
                                        try (NDManager batch = manager.newSubManager()) {
                                            batch.tempAttachAll(x);
                                            teacher.predict(x).getPrediction().getFloat(0, 0);
                                        }
                                    },
                                    60,
                                    15);
                    System.out.printf("round %d java %s: %.2f ms%n", round, name, ms);
                }
            }
        }
    }
}
