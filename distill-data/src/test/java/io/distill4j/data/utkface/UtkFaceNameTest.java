package io.distill4j.data.utkface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

final class UtkFaceNameTest {

    @Test
    void parse_wellFormedChipAndWildNames() {
        assertThat(UtkFaceName.parse("26_1_2_20170116174525125.jpg.chip.jpg"))
                .isEqualTo(
                        new UtkFaceName(26, 1, OptionalInt.of(2), "20170116174525125", List.of()));
        assertThat(UtkFaceName.parse("1_0_0_20161219140623097.jpg"))
                .isEqualTo(
                        new UtkFaceName(1, 0, OptionalInt.of(0), "20161219140623097", List.of()));
        assertThat(UtkFaceName.isChip("1_0_0_2016.jpg.chip.jpg")).isTrue();
        assertThat(UtkFaceName.isChip("1_0_0_2016.jpg")).isFalse();
    }

    @Test
    void parse_knownMalformedNames_areRepaired() {
        for (String name :
                List.of(
                        "39_1_20170116174525125.jpg.chip.jpg",
                        "61_1_20170109142408075.jpg.chip.jpg",
                        "61_1_20170109150557335.jpg.chip.jpg")) {
            UtkFaceName parsed = UtkFaceName.parse(name);
            assertThat(parsed.race()).isEmpty();
            assertThat(parsed.repairs()).containsExactly(UtkFaceName.NO_RACE);
        }
        assertThat(UtkFaceName.parse("39_1_20170116174525125.jpg.chip.jpg").age()).isEqualTo(39);
        assertThat(UtkFaceName.parse("24_0_1_20170116220224657 .jpg.chip.jpg"))
                .isEqualTo(
                        new UtkFaceName(
                                24,
                                0,
                                OptionalInt.of(1),
                                "20170116220224657",
                                List.of(UtkFaceName.SPACE)));
        assertThat(UtkFaceName.parse("55_0_0_20170116232725357jpg.chip.jpg"))
                .isEqualTo(
                        new UtkFaceName(
                                55,
                                0,
                                OptionalInt.of(0),
                                "20170116232725357",
                                List.of(UtkFaceName.NO_DOT)));
    }

    @Test
    void parse_otherDefects_failNamingThem() {
        assertThatThrownBy(() -> UtkFaceName.parse("notes.txt"))
                .hasMessage(
                        "not a UTKFace image name: expected [age]_[gender]_[race]_[date&time].jpg"
                                + " or .jpg.chip.jpg");
        assertThatThrownBy(() -> UtkFaceName.parse("117_0_0_20170116174525125.jpg"))
                .hasMessage("age must be in [0, 116], was 117");
        assertThatThrownBy(() -> UtkFaceName.parse("x_0_0_20170116174525125.jpg"))
                .hasMessage("age must be an integer in [0, 116], was 'x'");
        assertThatThrownBy(() -> UtkFaceName.parse("30_2_0_20170116174525125.jpg"))
                .hasMessage("gender must be in [0, 1], was 2");
        assertThatThrownBy(() -> UtkFaceName.parse("30_1_5_20170116174525125.jpg"))
                .hasMessage("race must be in [0, 4], was 5");
        assertThatThrownBy(() -> UtkFaceName.parse("30_1_20170116.jpg.chip.jpg"))
                .hasMessage("expected 4 fields [age]_[gender]_[race]_[date&time], found 3");
        assertThatThrownBy(() -> UtkFaceName.parse("30_1_0_2017x.jpg"))
                .hasMessage("date&time must be digits, was '2017x'");
        assertThatThrownBy(() -> UtkFaceName.parse("30_1_0_1_2.jpg"))
                .hasMessage("expected 4 fields [age]_[gender]_[race]_[date&time], found 5");
    }
}
