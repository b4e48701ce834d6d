package io.distill4j.data.utkface;

import io.distill4j.core.Checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The labels a UTKFace file name carries: {@code [age]_[gender]_[race]_[date&time].jpg}, or the
 * aligned-and-cropped form {@code ...jpg.chip.jpg}.
 *
 * <p>What each known malformed name of the real set gets (all are kept, for age and for gender, and
 * each repair is reported):
 *
 * <ul>
 *   <li>no race field ({@code 39_1_20170116174525125.jpg.chip.jpg}, and the two {@code 61_1_...}
 *       names): three fields whose last is a date of at least nine digits; age and gender are read,
 *       the race is unknown ({@link #race()} is empty);
 *   <li>a space before {@code .jpg} ({@code 24_0_1_20170116220224657 .jpg.chip.jpg}): the space is
 *       ignored;
 *   <li>no dot before {@code jpg.chip.jpg} ({@code 55_0_0_20170116232725357jpg.chip.jpg}): read as
 *       if the dot were there.
 * </ul>
 *
 * <p>Any other defect (not a {@code .jpg} name, a wrong number of fields, an age outside [0, 116],
 * a gender other than 0 or 1, a race outside [0, 4], a non-numeric date) makes the name bad: the
 * adapter fails on it, or skips and reports it under {@code --on-bad-record skip}.
 *
 * @param age the age in years, 0 to 116
 * @param gender 0 male, 1 female
 * @param race 0 White, 1 Black, 2 Asian, 3 Indian, 4 Others; empty when the name lacks it
 * @param dateTime the date and time digits, {@code yyyymmddHHMMSSFFF} in the real set
 * @param repairs what was repaired, empty for a well-formed name
 */
public record UtkFaceName(
        int age, int gender, OptionalInt race, String dateTime, List<String> repairs) {

    /** The largest age in the data set. */
    public static final int MAX_AGE = 116;

    /** Repair note: the race field is missing. */
    public static final String NO_RACE = "no race field: kept for age and gender, race unknown";

    /** Repair note: a space before {@code .jpg}. */
    public static final String SPACE = "space before .jpg: ignored";

    /** Repair note: no dot before {@code jpg.chip.jpg}. */
    public static final String NO_DOT = "no dot before jpg.chip.jpg: read as .jpg.chip.jpg";

    /**
     * Validates and copies the components.
     *
     * @param age the age
     * @param gender the gender
     * @param race the race, or empty
     * @param dateTime the date and time digits
     * @param repairs what was repaired
     */
    public UtkFaceName {
        Objects.requireNonNull(race, "race");
        Objects.requireNonNull(dateTime, "dateTime");
        repairs = List.copyOf(repairs);
    }

    /**
     * Returns whether the name is the aligned-and-cropped form or the in-the-wild form: both are
     * accepted; this only tells which.
     *
     * @param fileName the file name
     * @return true for {@code *.chip.jpg}
     */
    public static boolean isChip(String fileName) {
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith("jpg.chip.jpg");
    }

    /**
     * Parses a file name (not a path).
     *
     * @param fileName the file name
     * @return the labels
     * @throws IllegalArgumentException naming what is wrong, if the name cannot be read
     */
    public static UtkFaceName parse(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        List<String> repairs = new ArrayList<>();
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        String base;
        if (lower.endsWith(".jpg.chip.jpg")) {
            base = fileName.substring(0, fileName.length() - ".jpg.chip.jpg".length());
        } else if (lower.endsWith("jpg.chip.jpg")) {
            base = fileName.substring(0, fileName.length() - "jpg.chip.jpg".length());
            repairs.add(NO_DOT);
        } else if (lower.endsWith(".jpg")) {
            base = fileName.substring(0, fileName.length() - ".jpg".length());
        } else {
            throw new IllegalArgumentException(
                    "not a UTKFace image name: expected [age]_[gender]_[race]_[date&time].jpg"
                            + " or .jpg.chip.jpg");
        }
        if (!base.equals(base.strip())) {
            repairs.add(SPACE);
            base = base.strip();
        }
        String[] fields = base.split("_", -1);
        String dateTime;
        OptionalInt race;
        if (fields.length == 4) {
            race = OptionalInt.of(number(fields[2], "race", 0, 4));
            dateTime = fields[3];
        } else if (fields.length == 3 && fields[2].length() >= 9 && digits(fields[2])) {
            race = OptionalInt.empty();
            dateTime = fields[2];
            repairs.add(NO_RACE);
        } else {
            throw new IllegalArgumentException(
                    Checks.format(
                            "expected 4 fields [age]_[gender]_[race]_[date&time], found %d",
                            fields.length));
        }
        int age = number(fields[0], "age", 0, MAX_AGE);
        int gender = number(fields[1], "gender", 0, 1);
        if (!digits(dateTime)) {
            throw new IllegalArgumentException(
                    Checks.format("date&time must be digits, was '%s'", dateTime));
        }
        return new UtkFaceName(age, gender, race, dateTime, repairs);
    }

    private static int number(String text, String name, int low, int high) {
        if (!digits(text) || text.length() > 4) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s must be an integer in [%d, %d], was '%s'", name, low, high, text));
        }
        int v = Integer.parseInt(text);
        if (v < low || v > high) {
            throw new IllegalArgumentException(
                    Checks.format("%s must be in [%d, %d], was %d", name, low, high, v));
        }
        return v;
    }

    private static boolean digits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
