package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import io.distill4j.core.testing.PairedData;
import io.distill4j.core.testing.TinyNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TeacherCacheTest {

    private NDManager manager;
    private BlockStudent model;
    private CountingTeacher teacher;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        model = BlockStudent.of(new TinyNet(4, 8, 3), PairedData.IMAGE, TinyNet.FEATURES);
        model.initialize();
        teacher = new CountingTeacher(BlockTeacher.of(model));
    }

    @AfterEach
    void tearDown() {
        teacher.delegate.close();
        model.close();
        manager.close();
    }

    private Batch batch(long[] indices, int augmentation) {
        int n = indices.length;
        NDArray images = manager.randomUniform(0, 1, new Shape(n, 1, 8, 8));
        // Same image for the same index: derive pixels from the index.
        for (int i = 0; i < n; i++) {
            images.set(new ai.djl.ndarray.index.NDIndex(i), (float) indices[i] / 100f);
        }
        NDList labels =
                new NDList(
                        manager.zeros(new Shape(n)),
                        manager.create(indices),
                        manager.full(new Shape(n), augmentation));
        return new Batch(
                manager,
                new NDList(images, images.duplicate()),
                labels,
                n,
                null,
                null,
                0,
                n);
    }

    @Test
    void outputs_secondVisit_servedFromCacheAndEqualToTeacher() {
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("data-v1").build()) {
            Batch first = batch(new long[] {0, 1, 2, 3}, BatchLayout.AUGMENT_NONE);
            ModelOutput live = teacher.delegate.predict(BatchLayout.images(first, View.CLEAN));
            ModelOutput cached = cache.outputs(first);
            assertThat(cache.getMisses()).isEqualTo(4);
            int callsAfterFill = teacher.calls;

            Batch again = batch(new long[] {3, 1, 0, 2}, BatchLayout.AUGMENT_NONE);
            ModelOutput served = cache.outputs(again);
            assertThat(teacher.calls).isEqualTo(callsAfterFill);
            assertThat(cache.getHits()).isEqualTo(4);
            assertThat(cached.getPrediction().toFloatArray())
                    .containsExactly(live.getPrediction().toFloatArray(), org.assertj.core.data.Offset.offset(1e-6f));
            // Row 0 of the second batch is index 3, row 3 of the first.
            assertThat(served.getEmbedding().get(0).toFloatArray())
                    .containsExactly(cached.getEmbedding().get(3).toFloatArray());
            assertThat(served.getFeature("conv").getShape()).isEqualTo(new Shape(4, 4, 8, 8));
        }
    }

    @Test
    void outputs_partlyCachedBatch_matchesTeacherRowByRow() {
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("data-v1").build()) {
            cache.outputs(batch(new long[] {1, 3}, BatchLayout.AUGMENT_NONE));
            // Rows 0 and 2 are new, rows 1 and 3 cached: the teacher runs on a subset.
            Batch mixed = batch(new long[] {0, 1, 2, 3}, BatchLayout.AUGMENT_NONE);
            ModelOutput live = teacher.delegate.predict(BatchLayout.images(mixed, View.CLEAN));
            ModelOutput served = cache.outputs(mixed);
            assertThat(cache.getMisses()).isEqualTo(4);
            assertThat(cache.getHits()).isEqualTo(2);
            assertThat(served.getPrediction().toFloatArray())
                    .containsExactly(
                            live.getPrediction().toFloatArray(),
                            org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(served.getFeature("conv").toFloatArray())
                    .containsExactly(
                            live.getFeature("conv").toFloatArray(),
                            org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void outputs_flippedAndPlain_areDifferentRecords() {
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("data-v1").build()) {
            cache.outputs(batch(new long[] {5, 6}, BatchLayout.AUGMENT_NONE));
            cache.outputs(batch(new long[] {5, 6}, BatchLayout.AUGMENT_FLIP));
            assertThat(cache.size()).isEqualTo(4);
            assertThat(cache.getMisses()).isEqualTo(4);
        }
    }

    @Test
    void outputs_randomCrop_bypassesCache() {
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("data-v1").build()) {
            cache.outputs(batch(new long[] {1, 2}, BatchLayout.AUGMENT_OTHER));
            cache.outputs(batch(new long[] {1, 2}, BatchLayout.AUGMENT_OTHER));
            assertThat(cache.size()).isZero();
            assertThat(cache.getBypassed()).isEqualTo(4);
            assertThat(teacher.calls).isEqualTo(2);
        }
    }

    @Test
    void outputs_selectedFeatures_onlyThoseCached() {
        try (TeacherCache cache =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey("data-v1")
                        .optFeatures(List.of())
                        .build()) {
            ModelOutput out = cache.outputs(batch(new long[] {1}, BatchLayout.AUGMENT_NONE));
            assertThat(out.getFeatures()).isEmpty();
        }
    }

    private TeacherCache diskCache(Path dir, long memoryLimit) {
        return TeacherCache.builder()
                .setTeacher(teacher)
                .setDataKey("data-v1")
                .optDirectory(dir)
                .optMemoryLimitBytes(memoryLimit)
                .build();
    }

    private static Path onlyFile(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    @Test
    void diskCache_reopened_servesEveryRecordWithoutTeacherAndFileDoesNotGrow(@TempDir Path dir)
            throws Exception {
        float[] first;
        try (TeacherCache cache = diskCache(dir, 0)) {
            first = cache.outputs(batch(new long[] {0, 1, 2}, BatchLayout.AUGMENT_NONE))
                    .getPrediction()
                    .toFloatArray();
            cache.outputs(batch(new long[] {3, 4}, BatchLayout.AUGMENT_NONE));
            assertThat(cache.size()).isEqualTo(5);
        }
        Path file = onlyFile(dir);
        long size = Files.size(file);
        int calls = teacher.calls;
        for (int run = 0; run < 2; run++) {
            try (TeacherCache reopened = diskCache(dir, 0)) {
                assertThat(reopened.getLoaded()).isEqualTo(5);
                ModelOutput served =
                        reopened.outputs(batch(new long[] {0, 1, 2, 3, 4}, BatchLayout.AUGMENT_NONE));
                assertThat(teacher.calls).isEqualTo(calls);
                assertThat(reopened.getMisses()).isZero();
                assertThat(reopened.getHits()).isEqualTo(5);
                assertThat(served.getPrediction().get("0:3").toFloatArray()).containsExactly(first);
                assertThat(served.getFeature("conv").getShape()).isEqualTo(new Shape(5, 4, 8, 8));
            }
            assertThat(Files.size(file)).isEqualTo(size);
        }
    }

    @Test
    void diskCache_smallSetUnderTheMemoryLimit_isStillWrittenToTheFile(@TempDir Path dir)
            throws Exception {
        // The default limit (1 GiB) holds these records many times over: the file gets them all.
        try (TeacherCache cache =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey("data-v1")
                        .optDirectory(dir)
                        .build()) {
            cache.outputs(batch(new long[] {0, 1, 2}, BatchLayout.AUGMENT_FLIP));
        }
        try (TeacherCache reopened =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey("data-v1")
                        .optDirectory(dir)
                        .build()) {
            assertThat(reopened.getLoaded()).isEqualTo(3);
            int calls = teacher.calls;
            reopened.outputs(batch(new long[] {2, 0, 1}, BatchLayout.AUGMENT_FLIP));
            assertThat(teacher.calls).isEqualTo(calls);
            assertThat(reopened.getHits()).isEqualTo(3);
        }
    }

    @Test
    void diskCache_tornLastRecord_isDroppedAndComputedAgain(@TempDir Path dir) throws Exception {
        try (TeacherCache cache = diskCache(dir, 0)) {
            cache.outputs(batch(new long[] {0, 1, 2, 3}, BatchLayout.AUGMENT_NONE));
        }
        Path file = onlyFile(dir);
        long full = Files.size(file);
        try (var channel =
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(full - 7); // a run killed while writing its last record
        }
        try (TeacherCache reopened = diskCache(dir, 0)) {
            assertThat(reopened.getLoaded()).isEqualTo(3);
            long recordBytes = full - Files.size(file);
            assertThat(recordBytes).as("the torn tail is cut at open").isGreaterThan(7);
            int calls = teacher.calls;
            reopened.outputs(batch(new long[] {0, 1, 2, 3}, BatchLayout.AUGMENT_NONE));
            assertThat(teacher.calls).isEqualTo(calls + 1);
            assertThat(reopened.getMisses()).isEqualTo(1);
            assertThat(reopened.getHits()).isEqualTo(3);
        }
        assertThat(Files.size(file)).isEqualTo(full);
    }

    @Test
    void diskCache_corruptRecord_isComputedAgainNotServed(@TempDir Path dir) throws Exception {
        Batch probe = batch(new long[] {0, 1}, BatchLayout.AUGMENT_NONE);
        float[] live = teacher.delegate.predict(BatchLayout.images(probe, View.CLEAN))
                .getPrediction()
                .toFloatArray();
        try (TeacherCache cache = diskCache(dir, 0)) {
            cache.outputs(probe);
        }
        Path file = onlyFile(dir);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x40; // inside the last record's values
        Files.write(file, bytes);
        try (TeacherCache reopened = diskCache(dir, 0)) {
            ModelOutput served = reopened.outputs(batch(new long[] {0, 1}, BatchLayout.AUGMENT_NONE));
            assertThat(reopened.getCorrupt()).isEqualTo(1);
            assertThat(reopened.getMisses()).isEqualTo(1);
            assertThat(served.getPrediction().toFloatArray())
                    .containsExactly(live, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void diskCache_fileOpenTwice_secondFailsNamingTheFile(@TempDir Path dir) throws Exception {
        try (TeacherCache cache = diskCache(dir, 0)) {
            Path file = cache.getFile().orElseThrow();
            assertThatThrownBy(() -> diskCache(dir, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "the teacher cache "
                                    + file
                                    + " is in use by another run; wait for it, or give this run"
                                    + " another output folder");
        }
    }

    @Test
    void distiller_secondRunOverDiskCache_noTeacherPassSameLosses(@TempDir Path dir)
            throws Exception {
        double[] first;
        try (TeacherCache cache = diskCache(dir, 1 << 10)) {
            first = distill(cache);
            assertThat(cache.getMisses()).isEqualTo(96);
        }
        Path file = onlyFile(dir);
        long size = Files.size(file);
        long images = teacher.images;
        try (TeacherCache cache = diskCache(dir, 1 << 10)) {
            double[] second = distill(cache);
            // Only the distiller's build-time shape check runs the teacher, on two blank images.
            assertThat(teacher.images - images).isEqualTo(2);
            assertThat(cache.getMisses()).isZero();
            assertThat(cache.getHits()).isEqualTo(96 * 3);
            assertThat(second).containsExactly(first, org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(Files.size(file)).isEqualTo(size);
    }

    @Test
    void identity_changesWithTeacherAndData(@TempDir Path dir) throws Exception {
        String base = TeacherCache.builder().setTeacher(teacher).setDataKey("a").build().getIdentity();
        String otherData =
                TeacherCache.builder().setTeacher(teacher).setDataKey("b").build().getIdentity();
        try (BlockStudent other =
                        BlockStudent.of(new TinyNet(4, 8, 3), PairedData.IMAGE, TinyNet.FEATURES)
                                .initialize();
                BlockTeacher otherTeacher = BlockTeacher.of(other)) {
            String otherWeights =
                    TeacherCache.builder()
                            .setTeacher(otherTeacher)
                            .setDataKey("a")
                            .build()
                            .getIdentity();
            assertThat(otherData).isNotEqualTo(base);
            assertThat(otherWeights).isNotEqualTo(base);
        }
        // A file written for another identity is discarded, never read.
        try (TeacherCache cache =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey("a")
                        .optDirectory(dir)
                        .optMemoryLimitBytes(0)
                        .build()) {
            cache.outputs(batch(new long[] {0}, BatchLayout.AUGMENT_NONE));
        }
        Path file;
        try (var files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[20] ^= 1; // corrupt the header
        Files.write(file, bytes);
        try (TeacherCache cache =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey("a")
                        .optDirectory(dir)
                        .optMemoryLimitBytes(0)
                        .build()) {
            cache.outputs(batch(new long[] {0}, BatchLayout.AUGMENT_NONE));
            cache.outputs(batch(new long[] {1}, BatchLayout.AUGMENT_NONE));
            assertThat(cache.getMisses()).isEqualTo(2);
            assertThat(cache.size()).isEqualTo(2);
        }
    }

    @Test
    void builder_unknownFeature_listsTeacherFeatures() {
        assertThatThrownBy(
                        () ->
                                TeacherCache.builder()
                                        .setTeacher(teacher)
                                        .setDataKey("a")
                                        .optFeatures(List.of("stage9"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot cache teacher feature 'stage9'; the teacher has [conv]");
    }

    @Test
    void distiller_withCache_matchesLiveTeacher() throws Exception {
        double[] live = distill(null);
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("paired-96").build()) {
            double[] cached = distill(cache);
            assertThat(cache.getMisses()).isEqualTo(96);
            assertThat(cache.getHits()).isEqualTo(96 * 2);
            assertThat(cached).containsExactly(live, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private double[] distill(TeacherCache cache) throws Exception {
        ArrayDataset train = PairedData.create(manager, 96, 1, 16, true);
        try (BlockStudent student =
                BlockStudent.of(new TinyNet(4, 8, 3), PairedData.IMAGE, TinyNet.FEATURES)) {
            Distiller.Builder builder =
                    Distiller.builder()
                            .setTask(Task.classification(3))
                            .setStudent(student)
                            .optTeacher(teacher)
                            .setLoss(new EmbeddingMatch())
                            .optEpochs(3)
                            .optSeed(4);
            if (cache != null) {
                builder.optTeacherOutputSource(cache);
            }
            return builder.build().fit(train).trainLosses();
        }
    }

    @Test
    void precompute_withFlips_everyRecordFromWholeBatchesThenNoTeacherPass() throws Exception {
        ArrayDataset data = PairedData.create(manager, 40, 1, 16, false);
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("paired-40").build()) {
            assertThat(cache.precompute(data, manager, true)).isEqualTo(80);
            assertThat(cache.size()).isEqualTo(80);
            // Batches of 16, 16 and 8, each once plain and once flipped.
            assertThat(teacher.calls).isEqualTo(6);
            assertThat(cache.precompute(data, manager, true)).isZero();
            assertThat(teacher.calls).isEqualTo(6);

            // A shuffled, flipped batch is served as computed: the teacher on the whole first
            // batch of 16 (indices 0..15), mirrored.
            int calls = teacher.calls;
            Batch first = data.getData(manager).iterator().next();
            NDArray flipped = BatchLayout.images(first, View.CLEAN).flip(3);
            float[] expected = teacher.delegate.predict(flipped).getPrediction().toFloatArray();
            long[] indices = {5, 0, 15};
            Batch mixed =
                    new Batch(
                            manager,
                            new NDList(flipped.get(manager.create(indices)), flipped),
                            new NDList(
                                    manager.zeros(new Shape(3)),
                                    manager.create(indices),
                                    manager.full(new Shape(3), BatchLayout.AUGMENT_FLIP)),
                            3,
                            null,
                            null,
                            0,
                            3);
            float[] served = cache.outputs(mixed).getPrediction().toFloatArray();
            // The reference pass above went to the wrapped teacher directly: none through the cache.
            assertThat(teacher.calls).isEqualTo(calls);
            int classes = PairedData.CLASSES;
            for (int r = 0; r < indices.length; r++) {
                for (int c = 0; c < classes; c++) {
                    assertThat(served[r * classes + c])
                            .isEqualTo(expected[(int) indices[r] * classes + c]);
                }
            }
        }
    }

    @Test
    void precompute_augmentedBatches_areRefused() {
        try (TeacherCache cache =
                TeacherCache.builder().setTeacher(teacher).setDataKey("aug").build()) {
            ai.djl.training.dataset.Dataset augmented =
                    new ai.djl.training.dataset.Dataset() {
                        @Override
                        public Iterable<Batch> getData(NDManager m) {
                            return List.of(batch(new long[] {0, 1}, BatchLayout.AUGMENT_FLIP));
                        }

                        @Override
                        public void prepare(ai.djl.util.Progress progress) {}
                    };
            assertThatThrownBy(() -> cache.precompute(augmented, manager, true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "precompute needs unaugmented batches, but one has augmentation code"
                                    + " 1");
        }
    }

    private static final class EmbeddingMatch extends AbstractDistillationLoss {

        EmbeddingMatch() {
            super("EmbeddingMatch");
        }

        @Override
        public boolean requiresTeacher() {
            return true;
        }

        @Override
        public LossTerms compute(DistillationInput input) {
            NDArray student = input.getStudent().getEmbedding();
            NDArray teacher = input.requireTeacher(getName()).getEmbedding();
            return LossTerms.of(getName(), student.sub(teacher).square().mean());
        }
    }

    /** Counts forward passes of the wrapped teacher. */
    private static final class CountingTeacher implements Teacher {

        final BlockTeacher delegate;
        int calls;
        long images;

        CountingTeacher(BlockTeacher delegate) {
            this.delegate = delegate;
        }

        @Override
        public ModelOutput predict(NDArray images) {
            calls++;
            this.images += images.getShape().get(0);
            return delegate.predict(images);
        }

        @Override
        public Shape getInputShape() {
            return delegate.getInputShape();
        }

        @Override
        public List<String> getFeatureNames() {
            return delegate.getFeatureNames();
        }

        @Override
        public String getFingerprint() {
            return delegate.getFingerprint();
        }
    }
}
