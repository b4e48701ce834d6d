package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.fer.FerLabelMode;
import io.distill4j.data.synthetic.FerPlusWriter;
import io.distill4j.data.synthetic.UtkFaceWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class DataSourcesTest {

    @TempDir Path dir;

    @Test
    void open_eachNameWithItsFiles() throws IOException {
        FerPlusWriter.builder().setDirectory(dir.resolve("fer")).optSizes(30, 5, 5).write();
        UtkFaceWriter.builder()
                .setDirectory(dir.resolve("utk"))
                .optCount(20)
                .optImageSize(24)
                .write();

        FaceDataSource fer =
                DataSources.open(
                        "FerPlus",
                        dir.resolve("fer"),
                        DataOptions.defaults().withLabelMode(FerLabelMode.PROBABILITY));
        assertThat(fer.name()).isEqualTo("ferplus");
        assertThat(fer.split(Usage.TRAIN).softLabels()).isTrue();

        FaceDataSource utk =
                DataSources.open(
                        "utkface",
                        dir.resolve("utk"),
                        DataOptions.defaults()
                                .withAttribute(FaceAttribute.GENDER)
                                .withSplitFile(dir.resolve("split.csv")));
        assertThat(utk.task().classNames()).containsExactly("male", "female");
        assertThat(dir.resolve("split.csv")).exists();

        FaceDataSource synthetic =
                DataSources.open("synthetic", dir, DataOptions.defaults().withSyntheticSize(50));
        assertThat(synthetic.split(Usage.TRAIN).size()).isEqualTo(50);
        assertThat(synthetic.split(Usage.TEST).size()).isEqualTo(5);
    }

    @Test
    void open_unknownName_listsTheKnownOnes() {
        assertThatThrownBy(() -> DataSources.open("mnist", dir, DataOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "dataset must be one of ferplus, affectnet, utkface, synthetic, was"
                                + " 'mnist'");
    }

    @Test
    void open_folderWithoutTheFiles_namesTheMissingFile() throws IOException {
        Files.writeString(dir.resolve("fer2013.csv"), "emotion,pixels,Usage\n");
        assertThatThrownBy(() -> DataSources.open("ferplus", dir, DataOptions.defaults()))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(
                        "ferplus needs fer2013new.csv in "
                                + dir
                                + ", but "
                                + dir.resolve("fer2013new.csv")
                                + " was not found");
        assertThatThrownBy(() -> DataSources.open("affectnet", dir, DataOptions.defaults()))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(
                        "affectnet needs training.csv in "
                                + dir
                                + ", but "
                                + dir.resolve("training.csv")
                                + " was not found");
        assertThatThrownBy(
                        () ->
                                DataSources.open(
                                        "ferplus", dir.resolve("nope"), DataOptions.defaults()))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage("ferplus root " + dir.resolve("nope") + " is not a folder");
    }

    @Test
    void open_attributeTheDatasetLacks_fails() {
        assertThatThrownBy(
                        () ->
                                DataSources.open(
                                        "ferplus",
                                        dir,
                                        DataOptions.defaults().withAttribute(FaceAttribute.AGE)))
                .hasMessage("attribute must be expression for ferplus, was age");
        assertThatThrownBy(
                        () ->
                                DataSources.open(
                                        "utkface",
                                        dir,
                                        DataOptions.defaults()
                                                .withAttribute(FaceAttribute.EXPRESSION)))
                .hasMessage("attribute must be age or gender for utkface, was expression");
    }

    @Test
    void options_validation() {
        assertThatThrownBy(() -> DataOptions.defaults().withFractions(0.5f, 0.5f))
                .hasMessage("validationFraction + testFraction must be < 1, were 0.5 + 0.5");
        assertThatThrownBy(() -> DataOptions.defaults().withSyntheticSize(0))
                .hasMessage("syntheticSize must be in [1, 10000000], was 0");
        assertThat(OnBadRecord.parse("SKIP")).isEqualTo(OnBadRecord.SKIP);
        assertThatThrownBy(() -> OnBadRecord.parse("ignore"))
                .hasMessage("on-bad-record must be fail or skip, was 'ignore'");
        assertThat(FaceAttribute.parse("Age")).isEqualTo(FaceAttribute.AGE);
    }
}
