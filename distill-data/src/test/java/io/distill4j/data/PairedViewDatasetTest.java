package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.dataset.Record;

import io.distill4j.core.BatchLayout;
import io.distill4j.core.View;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

@Tag("engine")
final class PairedViewDatasetTest {

    private static final SyntheticFaces FACES =
            SyntheticFaces.builder().optSizes(40, 8, 8).optSeed(3).build();

    private static PairedViewDataset.Builder builder() {
        return PairedViewDataset.builder()
                .setSource(FACES.split(Usage.TRAIN))
                .optOcclusion(Occlusions.vrHeadset());
    }

    @Test
    void get_followsTheBatchLayout() throws IOException {
        PairedViewDataset ds = builder().setSampling(4, false).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Record r = ds.get(manager, 5);
            NDList data = r.getData();
            assertThat(data.size()).isEqualTo(2);
            NDArray clean = data.get(BatchLayout.DATA_CLEAN);
            NDArray occluded = data.get(BatchLayout.DATA_OCCLUDED);
            assertThat(clean.getShape()).isEqualTo(new Shape(1, 48, 48));
            assertThat(clean.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(occluded.getShape()).isEqualTo(new Shape(1, 48, 48));
            float[] c = clean.toFloatArray();
            float[] o = occluded.toFloatArray();
            for (int i = 0; i < c.length; i++) {
                assertThat(o[i]).isEqualTo(i < 24 * 48 ? 0f : c[i]);
            }
            assertThat(c).isEqualTo(FACES.split(Usage.TRAIN).image(5).pixels());
            NDList labels = r.getLabels();
            assertThat(labels.size()).isEqualTo(3);
            NDArray target = labels.get(BatchLayout.LABEL_TARGET);
            assertThat(target.getShape()).isEqualTo(new Shape());
            assertThat(target.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(target.getFloat()).isEqualTo(FACES.split(Usage.TRAIN).target(5)[0]);
            NDArray index = labels.get(BatchLayout.LABEL_INDEX);
            assertThat(index.getDataType()).isEqualTo(DataType.INT64);
            assertThat(index.getShape()).isEqualTo(new Shape());
            assertThat(index.getLong()).isEqualTo(5L);
            NDArray code = labels.get(BatchLayout.LABEL_AUGMENTATION);
            assertThat(code.getDataType()).isEqualTo(DataType.INT32);
            assertThat(code.getInt()).isEqualTo(BatchLayout.AUGMENT_NONE);
        }
    }

    private static List<Long> order(PairedViewDataset ds, NDManager manager) throws Exception {
        List<Long> indices = new ArrayList<>();
        for (Batch batch : ds.getData(manager)) {
            try (batch) {
                for (long i : BatchLayout.indices(batch).toLongArray()) {
                    indices.add(i);
                }
            }
        }
        return indices;
    }

    @Test
    void getData_batchesThroughDjlWithTheLayout() throws Exception {
        PairedViewDataset ds = builder().setSampling(16, true).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            List<Long> sizes = new ArrayList<>();
            for (Batch batch : ds.getData(manager)) {
                try (batch) {
                    long b = batch.getSize();
                    sizes.add(b);
                    assertThat(BatchLayout.images(batch, View.CLEAN).getShape())
                            .isEqualTo(new Shape(b, 1, 48, 48));
                    assertThat(BatchLayout.images(batch, View.OCCLUDED).getShape())
                            .isEqualTo(new Shape(b, 1, 48, 48));
                    assertThat(BatchLayout.target(batch).getShape()).isEqualTo(new Shape(b));
                    assertThat(BatchLayout.indices(batch).getShape()).isEqualTo(new Shape(b));
                    assertThat(batch.getLabels().get(BatchLayout.LABEL_AUGMENTATION).getShape())
                            .isEqualTo(new Shape(b));
                    float[] targets = BatchLayout.target(batch).toFloatArray();
                    long[] indices = BatchLayout.indices(batch).toLongArray();
                    for (int i = 0; i < b; i++) {
                        assertThat(targets[i])
                                .isEqualTo(FACES.split(Usage.TRAIN).target((int) indices[i])[0]);
                    }
                }
            }
            assertThat(sizes).containsExactly(16L, 16L, 8L);
        }
    }

    @Test
    void getData_shufflesBySeedAndEpochNotByTheEngineGenerator() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            PairedViewDataset a = builder().setSampling(8, true).optSeed(11).build();
            PairedViewDataset b = builder().setSampling(8, true).optSeed(11).build();
            Engine.getInstance().setRandomSeed(1);
            List<Long> a0 = order(a, manager);
            List<Long> a1 = order(a, manager);
            Engine.getInstance().setRandomSeed(999);
            List<Long> b0 = order(b, manager);
            List<Long> b1 = order(b, manager);
            assertThat(b0).isEqualTo(a0);
            assertThat(b1).isEqualTo(a1);
            assertThat(a1).isNotEqualTo(a0);
            assertThat(a0)
                    .containsExactlyInAnyOrderElementsOf(a1)
                    .hasSize(40)
                    .doesNotHaveDuplicates();
            PairedViewDataset c = builder().setSampling(8, true).optSeed(12).build();
            assertThat(order(c, manager)).isNotEqualTo(a0);
            a.setEpoch(1);
            assertThat(order(a, manager)).isEqualTo(a1);
            assertThat(a.getEpoch()).isEqualTo(1);
        }
    }

    @Test
    void getData_withPrefetchingExecutor_givesTheSameBatches() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            PairedViewDataset sequential =
                    builder().setSampling(8, true).optAugmentation(Augmentation.defaults()).build();
            PairedViewDataset parallel =
                    builder()
                            .setSampling(8, true)
                            .optAugmentation(Augmentation.defaults())
                            .optPrefetchNumber(3)
                            .build();
            List<float[]> expected = new ArrayList<>();
            for (Batch batch : sequential.getData(manager)) {
                try (batch) {
                    expected.add(BatchLayout.images(batch, View.OCCLUDED).toFloatArray());
                }
            }
            List<float[]> actual = new ArrayList<>();
            for (Batch batch : parallel.getData(manager, executor)) {
                try (batch) {
                    actual.add(BatchLayout.images(batch, View.OCCLUDED).toFloatArray());
                }
            }
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).isEqualTo(expected.get(i));
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void view_augmentationThenOcclusion_keepsBothViewsAligned() throws IOException {
        PairedViewDataset ds =
                builder().setSampling(8, true).optAugmentation(Augmentation.defaults()).build();
        Map<Integer, Integer> codes = new HashMap<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < 40; i++) {
                PairedView v = ds.view(i, epoch);
                codes.merge(v.augmentation(), 1, Integer::sum);
                for (int y = 0; y < 48; y++) {
                    for (int x = 0; x < 48; x++) {
                        assertThat(v.occluded().get(0, y, x))
                                .isEqualTo(y < 24 ? 0f : v.clean().get(0, y, x));
                    }
                }
                assertThat(ds.view(i, epoch)).usingRecursiveComparison().isEqualTo(v);
            }
        }
        assertThat(codes).containsKeys(BatchLayout.AUGMENT_OTHER);
    }

    @Test
    void build_resizesAndConvertsChannels() throws Exception {
        PairedViewDataset ds =
                builder().setSampling(4, false).optImageSize(32, 24).optChannels(3).build();
        assertThat(ds.getImageShape()).isEqualTo(new Shape(3, 32, 24));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Batch batch = ds.getData(manager).iterator().next();
            try (batch) {
                assertThat(BatchLayout.images(batch, View.CLEAN).getShape())
                        .isEqualTo(new Shape(4, 3, 32, 24));
            }
        }
    }

    @Test
    void getData_softLabels_stackToBatchByClasses() throws Exception {
        FaceSplit soft = new SoftSplit(FACES.split(Usage.TRAIN));
        PairedViewDataset ds =
                PairedViewDataset.builder().setSource(soft).setSampling(5, false).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Batch batch = ds.getData(manager).iterator().next();
            try (batch) {
                assertThat(BatchLayout.target(batch).getShape()).isEqualTo(new Shape(5, 8));
                assertThat(BatchLayout.target(batch).sum(new int[] {1}).toFloatArray())
                        .containsOnly(1f);
            }
        }
    }

    @Test
    void classBalancedSampler_givesPClassesTimesKSamples() throws Exception {
        SyntheticFaces faces = SyntheticFaces.builder().optSizes(400, 1, 1).optSeed(5).build();
        ClassBalancedSampler sampler = new ClassBalancedSampler(4, 3, 9);
        PairedViewDataset ds =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .setSampling(sampler)
                        .build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            List<List<Long>> first = new ArrayList<>();
            int batches = 0;
            for (Batch batch : ds.getData(manager)) {
                try (batch) {
                    batches++;
                    long[] indices = BatchLayout.indices(batch).toLongArray();
                    assertThat(indices).hasSize(12);
                    Map<Integer, Integer> perClass = new HashMap<>();
                    for (long i : indices) {
                        perClass.merge(ds.classIndex(i), 1, Integer::sum);
                    }
                    assertThat(perClass).hasSize(4);
                    assertThat(perClass.values()).containsOnly(3);
                    List<Long> list = new ArrayList<>();
                    for (long i : indices) {
                        list.add(i);
                    }
                    first.add(list);
                }
            }
            assertThat(batches).isEqualTo(400 / 12);
            // the same seed and epoch give the same batches
            PairedViewDataset again =
                    PairedViewDataset.builder()
                            .setSource(faces.split(Usage.TRAIN))
                            .setSampling(new ClassBalancedSampler(4, 3, 9))
                            .build();
            int k = 0;
            for (Batch batch : again.getData(manager)) {
                try (batch) {
                    List<Long> list = new ArrayList<>();
                    for (long i : BatchLayout.indices(batch).toLongArray()) {
                        list.add(i);
                    }
                    assertThat(list).isEqualTo(first.get(k++));
                }
            }
        }
    }

    @Test
    void classBalancedSampler_badArguments_fail() {
        assertThatThrownBy(() -> new ClassBalancedSampler(1, 3, 0))
                .hasMessage("classesPerBatch must be >= 2, was 1");
        assertThatThrownBy(() -> new ClassBalancedSampler(2, 1, 0))
                .hasMessage("samplesPerClass must be >= 2, was 1");
        PairedViewDataset ds =
                PairedViewDataset.builder()
                        .setSource(FACES.split(Usage.TRAIN))
                        .setSampling(new ClassBalancedSampler(9, 2, 0))
                        .build();
        assertThatThrownBy(() -> new ClassBalancedSampler(9, 2, 0).sample(ds))
                .hasMessageStartingWith("classesPerBatch is 9 but only ");
    }

    @Test
    void builder_misuse_fails() {
        assertThatThrownBy(() -> PairedViewDataset.builder().setSampling(2, false).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("setSource(...) must be called before build()");
        assertThatThrownBy(() -> builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("setSampling(...) must be called before build()");
        assertThatThrownBy(() -> builder().optOcclusion(Occlusions.none()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("occlusion was already set to vr-headset(landmarks when present)");
        assertThatThrownBy(() -> builder().setSampling(2, false).setSampling(3, true))
                .hasMessage("sampling was already set");
        assertThatThrownBy(() -> builder().optChannels(2))
                .hasMessage("channels must be 1 or 3, was 2");
        assertThatThrownBy(() -> builder().optImageSize(0, 4))
                .hasMessage("height must be in [1, 4096], was 0");
        PairedViewDataset ds = builder().setSampling(2, false).build();
        assertThatThrownBy(() -> ds.view(40)).hasMessage("index must be in [0, 40), was 40");
    }

    /** A split whose targets are one-hot distributions, to test soft labels. */
    private static final class SoftSplit implements FaceSplit {

        private final FaceSplit hard;

        SoftSplit(FaceSplit hard) {
            this.hard = hard;
        }

        @Override
        public Usage usage() {
            return hard.usage();
        }

        @Override
        public io.distill4j.core.Task task() {
            return hard.task();
        }

        @Override
        public int size() {
            return hard.size();
        }

        @Override
        public Shape imageShape() {
            return hard.imageShape();
        }

        @Override
        public FaceImage image(int index) throws IOException {
            return hard.image(index);
        }

        @Override
        public float[] target(int index) {
            float[] p = new float[8];
            p[hard.classIndex(index)] = 1f;
            return p;
        }

        @Override
        public int classIndex(int index) {
            return hard.classIndex(index);
        }

        @Override
        public boolean softLabels() {
            return true;
        }

        @Override
        public String describe(int index) {
            return hard.describe(index);
        }
    }
}
