package io.distill4j.data.synthetic;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceImage;
import io.distill4j.data.Seeds;
import io.distill4j.data.fer.FerPlus;

import java.util.SplittableRandom;

/**
 * One synthetic face: its attributes, from which {@link #render(int)} draws a grey image
 * deterministically.
 *
 * <p>The face is drawn in a canonical frame (48 units across, the face centred) and then placed
 * with a small random shift, scale and roll, lit by a random brightness and left-right gradient,
 * with random pixel noise; all nuisance values derive from {@code detailSeed}. The expression (the
 * eight FER+ classes) is built from an upper-face state (brows and eyes) and a lower-face state
 * (mouth):
 *
 * <table>
 *   <caption>Expression cues</caption>
 *   <tr><th>class</th><th>brows and eyes (upper half)</th><th>mouth (lower half)</th></tr>
 *   <tr><td>neutral</td><td>relaxed</td><td>closed, straight</td></tr>
 *   <tr><td>happiness</td><td>relaxed</td><td>smile, corners up</td></tr>
 *   <tr><td>surprise</td><td>raised, eyes wide</td><td>open round</td></tr>
 *   <tr><td>sadness</td><td>inner ends raised</td><td>corners down</td></tr>
 *   <tr><td>anger</td><td>lowered, inner ends down, eyes narrow</td><td>straight, lips pressed
 *       (thinner, shorter)</td></tr>
 *   <tr><td>disgust</td><td>lowered, inner ends down, eyes narrow</td><td>corners slightly down,
 *       upper lip raised (slightly open)</td></tr>
 *   <tr><td>fear</td><td>raised, eyes wide</td><td>straight, stretched wider, slightly
 *       open</td></tr>
 *   <tr><td>contempt</td><td>relaxed</td><td>one corner up</td></tr>
 * </table>
 *
 * <p>So happiness, contempt and surprise are told apart by the mouth alone, anger from neutral and
 * fear from neutral mostly by the brows and eyes (their mouths differ only subtly), and sadness
 * from disgust by both. With the upper half hidden, the mouth still separates five groups and
 * leaves the subtle cues to learn, so a teacher that relied on the brows loses much of its accuracy
 * while a student trained on occluded faces can recover part of it. The expression's intensity
 * (0.55 to 1) scales every deformation. Age shows in forehead lines, crow's feet and grey hair and
 * brows (upper half) and in nasolabial folds, mouth-corner lines and thinner lips (lower half);
 * children have rounder, smaller faces and larger eyes. Gender shows in brow thickness and hair
 * length (upper) and in jaw width, lips and, for adult males, stubble (lower). All features of the
 * upper face lie above row 24 of a 48x48 image and the mouth below it, whatever the pose.
 *
 * @param expression the expression class, in {@link FerPlus#CLASS_NAMES} order (0-7)
 * @param age the age in years, 1 to 90
 * @param gender 0 male, 1 female
 * @param race 0 to 4, as UTKFace codes it (shifts the skin tone)
 * @param intensity how strongly the expression shows, in [0.55, 1]
 * @param detailSeed the seed of the pose, lighting, noise and small shape variations
 */
public record SyntheticFace(
        int expression, int age, int gender, int race, float intensity, long detailSeed) {

    /** The canonical canvas size the face is designed on. */
    public static final int BASE_SIZE = 48;

    /** Upper-face states: 0 relaxed, 1 raised, 2 lowered, 3 inner raised. */
    private static final int[] UPPER = {0, 0, 1, 3, 2, 2, 1, 0};

    /** Lower-face states: 0 straight, 1 smile, 2 open, 3 down, 4 one corner up. */
    private static final int[] LOWER = {0, 1, 2, 3, 0, 3, 0, 4};

    /** For each class, the classes taggers confuse it with (used by the FER+ writer). */
    private static final int[][] CONFUSABLE = {
        {4, 6, 7, 3}, {7, 0}, {6}, {5, 0}, {5, 0}, {4, 3}, {2, 3}, {0, 1}
    };

    /**
     * Validates the components.
     *
     * @param expression the expression class (0-7)
     * @param age the age, 1 to 90
     * @param gender 0 or 1
     * @param race 0 to 4
     * @param intensity in [0.55, 1]
     * @param detailSeed the seed of the nuisance variation
     */
    public SyntheticFace {
        if (expression < 0 || expression >= FerPlus.NUM_CLASSES) {
            throw new IllegalArgumentException(
                    Checks.format("expression must be in [0, 7], was %d", expression));
        }
        if (age < 1 || age > 90) {
            throw new IllegalArgumentException(
                    Checks.format("age must be in [1, 90], was %d", age));
        }
        if (gender != 0 && gender != 1) {
            throw new IllegalArgumentException(
                    Checks.format("gender must be 0 or 1, was %d", gender));
        }
        if (race < 0 || race > 4) {
            throw new IllegalArgumentException(
                    Checks.format("race must be in [0, 4], was %d", race));
        }
        Checks.inRange("intensity", intensity, 0.55f, 1f);
    }

    /**
     * Draws a face's attributes: expression uniform over the eight classes, gender and race
     * uniform, ages 1-15 (15%), 16-45 (60%) or 46-90 (25%), intensity uniform in [0.55, 1].
     *
     * @param seed the seed; equal seeds give equal faces
     * @return the face
     */
    public static SyntheticFace sample(long seed) {
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed, 0x5EED));
        int expression = r.nextInt(FerPlus.NUM_CLASSES);
        double band = r.nextDouble();
        int age =
                band < 0.15
                        ? 1 + r.nextInt(15)
                        : band < 0.75 ? 16 + r.nextInt(30) : 46 + r.nextInt(45);
        int gender = r.nextInt(2);
        int race = r.nextInt(5);
        float intensity = 0.55f + 0.45f * (float) r.nextDouble();
        return new SyntheticFace(expression, age, gender, race, intensity, r.nextLong());
    }

    /**
     * Returns the face's ten FER+ votes ({@link FerPlus#VOTE_COLUMNS} order): each tagger votes for
     * the true class with a probability that grows with the intensity (0.6 to 0.95), else for a
     * class it is often confused with (85%), {@code unknown} (10%) or {@code NF} (5%).
     *
     * @return the ten vote counts, summing to 10
     */
    public int[] votes() {
        SplittableRandom r = new SplittableRandom(Seeds.mix(detailSeed, 0x707E5));
        double clarity = 0.6 + 0.35 * (intensity - 0.55) / 0.45;
        int[] votes = new int[FerPlus.NUM_CLASSES + 2];
        for (int t = 0; t < 10; t++) {
            if (r.nextDouble() < clarity) {
                votes[expression]++;
            } else {
                double u = r.nextDouble();
                if (u < 0.85) {
                    int[] near = CONFUSABLE[expression];
                    votes[near[r.nextInt(near.length)]]++;
                } else if (u < 0.95) {
                    votes[FerPlus.NUM_CLASSES]++;
                } else {
                    votes[FerPlus.NUM_CLASSES + 1]++;
                }
            }
        }
        return votes;
    }

    /**
     * Draws the face.
     *
     * @param size the image side in pixels, at least 16 (48 is the design size)
     * @return a one-channel {@code size x size} image
     */
    public FaceImage render(int size) {
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException(
                    Checks.format("size must be in [16, 1024], was %d", size));
        }
        return FaceImage.of(1, size, size, new Painter(this, size).paint());
    }

    /**
     * Returns the upper-face state of an expression class.
     *
     * @param expression the class
     * @return 0 relaxed, 1 raised, 2 lowered, 3 inner raised
     */
    public static int upperState(int expression) {
        return UPPER[expression];
    }

    /**
     * Returns the lower-face state of an expression class.
     *
     * @param expression the class
     * @return 0 straight, 1 smile, 2 open, 3 down, 4 one corner up
     */
    public static int lowerState(int expression) {
        return LOWER[expression];
    }

    /** Draws one face: all geometry in the canonical 48-unit frame. */
    private static final class Painter {

        private final SyntheticFace face;
        private final int size;
        private final float[] p;
        private final SplittableRandom r;

        // placement
        private final float cx;
        private final float cy;
        private final float scale;
        private final float cos;
        private final float sin;

        // face shape and tone
        private final float faceA;
        private final float faceB;
        private final float jaw;
        private final float skin;
        private final float gradient;
        private final float background;
        private final float noise;

        Painter(SyntheticFace face, int size) {
            this.face = face;
            this.size = size;
            this.p = new float[size * size];
            this.r = new SplittableRandom(face.detailSeed);
            boolean child = face.age < 13;
            this.cx = 24f + uniform(-2f, 2f);
            this.cy = 24f + uniform(-1.5f, 1.0f);
            this.scale = uniform(0.93f, 1.05f) * (child ? 0.94f : 1f);
            double roll = Math.toRadians(uniform(-4f, 4f));
            this.cos = (float) Math.cos(roll);
            this.sin = (float) Math.sin(roll);
            float genderWidth = face.gender == 0 ? 0.6f : -0.5f;
            this.faceA = 15.6f + genderWidth + (child ? 0.8f : 0f) + uniform(-0.5f, 0.5f);
            this.faceB = 19.6f - (child ? 1.2f : 0f) + uniform(-0.5f, 0.5f);
            this.jaw = (face.gender == 0 ? 0.10f : -0.06f) * (child ? 0.3f : 1f);
            this.skin = 0.70f - 0.05f * face.race + uniform(-0.06f, 0.06f);
            this.gradient = uniform(-0.12f, 0.12f);
            this.background = uniform(0.10f, 0.40f);
            this.noise = uniform(0.01f, 0.05f);
        }

        private float uniform(float low, float high) {
            return low + (high - low) * (float) r.nextDouble();
        }

        float[] paint() {
            float k = size / (float) BASE_SIZE;
            float t = face.intensity;
            int upper = UPPER[face.expression];
            int lower = LOWER[face.expression];
            boolean male = face.gender == 0;
            int age = face.age;
            boolean adult = age >= 18;

            // per-face shape variation, drawn in a fixed order
            float eyeGap = 6.4f + uniform(-0.4f, 0.4f);
            float eyeV = -6.0f + uniform(-0.3f, 0.3f);
            float eyeRx = (age < 13 ? 3.6f : 3.2f) + uniform(-0.2f, 0.2f);
            float browBase = eyeV - 4.2f + uniform(-0.3f, 0.3f);
            float mouthV = 10.6f + uniform(-0.4f, 0.4f);
            float mouthHalf = 5.4f + uniform(-0.4f, 0.4f);
            int smirkSide = r.nextBoolean() ? 1 : -1;
            float stubble = male && adult ? uniform(0f, 0.22f) : 0f;
            float hairTone = Math.min(0.75f, 0.12f + Math.max(0, age - 40) * 0.012f);
            float greyBrow = Math.min(0.45f, 0.12f + Math.max(0, age - 50) * 0.008f);
            float wrinkles = Math.max(0f, Math.min(1f, (age - 30) / 45f));
            long noiseSeed = r.nextLong();

            // eyes: openness by upper state
            float eyeRy;
            float browLift;
            float browInner;
            float browArch;
            switch (upper) {
                case 1: // raised, wide
                    eyeRy = 1.7f + 1.0f * t;
                    browLift = 2.4f * t;
                    browInner = 0f;
                    browArch = 1.0f * t;
                    break;
                case 2: // lowered, inner down, narrow
                    eyeRy = 1.7f - 0.7f * t;
                    browLift = -1.0f * t;
                    browInner = 2.0f * t;
                    browArch = 0f;
                    break;
                case 3: // inner raised
                    eyeRy = 1.7f - 0.3f * t;
                    browLift = 0.3f * t;
                    browInner = -2.2f * t;
                    browArch = 0f;
                    break;
                default:
                    eyeRy = 1.7f;
                    browLift = 0f;
                    browInner = 0f;
                    browArch = 0.3f;
                    break;
            }
            if (age > 60) {
                eyeRy *= 0.9f;
            }

            // mouth by lower state and expression
            float corner = 0f; // corners up (+) or down (-), in units
            float cornerOneSide = 0f;
            float opening = 0f;
            float halfWidth = mouthHalf;
            float lip = (male ? 1.1f : 1.45f) - 0.35f * wrinkles;
            switch (lower) {
                case 1: // smile
                    corner = 3.0f * t;
                    halfWidth += 0.8f * t;
                    opening = 0.7f * t;
                    break;
                case 2: // open round
                    halfWidth = 3.3f;
                    opening = 1.5f + 2.3f * t;
                    break;
                case 3: // down
                    corner = face.expression == 5 ? -1.6f * t : -2.6f * t;
                    opening = face.expression == 5 ? 0.7f * t : 0f;
                    halfWidth -= 0.3f;
                    break;
                case 4: // one corner up
                    cornerOneSide = 2.8f * t;
                    break;
                default: // straight: neutral, anger (pressed), fear (stretched)
                    if (face.expression == 4) {
                        lip *= 1f - 0.35f * t;
                        halfWidth -= 0.9f * t;
                    } else if (face.expression == 6) {
                        halfWidth += 1.1f * t;
                        opening = 0.5f * t;
                    }
                    break;
            }

            float lipTone = male ? 0.30f : 0.22f;
            float browWidth = male ? 1.7f : 1.15f;
            float hairLength = face.gender == 1 ? 10f : -8f; // how far down the sides hair reaches

            SplittableRandom noiseRandom = new SplittableRandom(noiseSeed);
            for (int py = 0; py < size; py++) {
                for (int px = 0; px < size; px++) {
                    float x = (px + 0.5f) / k;
                    float y = (py + 0.5f) / k;
                    // canonical frame: undo placement
                    float dx = (x - cx) / scale;
                    float dy = (y - cy) / scale;
                    float u = dx * cos + dy * sin;
                    float v = -dx * sin + dy * cos;
                    float value = background + 0.08f * (y / BASE_SIZE - 0.5f);

                    // hair: an ellipse behind the head, longer at the sides for women
                    float hairA = faceA + 2.6f;
                    float hairB = faceB + 3.2f;
                    float hairD = ellipse(u, v + 0.6f, hairA, hairB);
                    if (v < hairLength) {
                        value = blend(value, hairTone, coverage(hairD, 1f / k));
                    }

                    // face
                    float a = faceA * (1f + jaw * Math.max(0f, v) / faceB);
                    float faceD = ellipse(u, v, a, faceB);
                    float light = skin + gradient * (u / faceA);
                    float faceCover = coverage(faceD, 1f / k);
                    if (faceCover > 0f) {
                        float s = light;
                        // hairline fringe
                        if (v < -faceB * 0.78f) {
                            s = blend(s, hairTone, smooth(-faceB * 0.78f - v, 1.2f));
                        }
                        // forehead lines (upper)
                        if (wrinkles > 0f && v > -16.5f && v < -11.5f && Math.abs(u) < 8f) {
                            for (int line = 0; line < 3; line++) {
                                float lv = -12.4f - 1.6f * line - 0.02f * u * u;
                                s -=
                                        0.16f
                                                * wrinkles
                                                * line(v - lv, 0.45f)
                                                * (line < 1 + 3 * wrinkles ? 1f : 0f);
                            }
                        }
                        // crow's feet (upper)
                        if (wrinkles > 0.3f) {
                            for (int side = -1; side <= 1; side += 2) {
                                float ex = side * (eyeGap + eyeRx + 1.2f);
                                if (Math.abs(u - ex) < 1.5f && Math.abs(v - eyeV) < 2.5f) {
                                    s -=
                                            0.12f
                                                    * wrinkles
                                                    * line(
                                                            Math.abs(u - ex)
                                                                    - 0.3f * Math.abs(v - eyeV),
                                                            0.4f);
                                }
                            }
                        }
                        // nose
                        if (Math.abs(u) < 1.2f && v > -3f && v < 3.2f) {
                            s -= 0.06f * line(u - 0.5f, 0.5f);
                        }
                        for (int side = -1; side <= 1; side += 2) {
                            s =
                                    blend(
                                            s,
                                            0.25f,
                                            0.7f
                                                    * coverage(
                                                            ellipse(
                                                                    u - side * 1.6f,
                                                                    v - 3.6f,
                                                                    0.7f,
                                                                    0.5f),
                                                            0.6f / k));
                        }
                        // nasolabial folds (lower)
                        if (wrinkles > 0f && v > 3.5f && v < 10.5f) {
                            for (int side = -1; side <= 1; side += 2) {
                                float fx = side * (3.6f + (v - 3.5f) * 0.45f);
                                s -= 0.15f * wrinkles * line(u - fx, 0.45f);
                            }
                        }
                        // stubble (lower, adult men)
                        if (stubble > 0f && v > 6.5f) {
                            s -=
                                    stubble
                                            * smooth(v - 6.5f, 2f)
                                            * (0.7f + 0.3f * (float) noiseRandom.nextDouble());
                        }
                        value = blend(value, clamp(s), faceCover);

                        // eyes and brows (upper)
                        for (int side = -1; side <= 1; side += 2) {
                            float eu = u - side * eyeGap;
                            float ev = v - eyeV;
                            float sclera = coverage(ellipse(eu, ev, eyeRx, eyeRy), 0.7f / k);
                            value = blend(value, 0.88f, sclera);
                            float iris = Math.min(1.4f, eyeRy);
                            value =
                                    blend(
                                            value,
                                            0.08f,
                                            sclera
                                                    * coverage(
                                                            ellipse(eu, ev, iris, iris), 0.7f / k));
                            value =
                                    blend(
                                            value,
                                            0.15f,
                                            0.8f * outline(ellipse(eu, ev, eyeRx, eyeRy), 0.35f));
                            // brow: quadratic from inner (w = 0) to outer (w = 1)
                            float w = (side * u - 2.6f) / 7.6f;
                            if (w > -0.15f && w < 1.15f) {
                                float cw = Math.max(0f, Math.min(1f, w));
                                float bv =
                                        browBase
                                                - browLift
                                                + browInner * (1f - cw)
                                                - browArch * 4f * cw * (1f - cw)
                                                + 0.5f * cw;
                                float bd = Math.abs(v - bv) - browWidth / 2f;
                                float ends = w < 0f ? -w / 0.15f : w > 1f ? (w - 1f) / 0.15f : 0f;
                                value =
                                        blend(
                                                value,
                                                greyBrow,
                                                coverage(bd, 0.6f / k) * (1f - ends));
                            }
                        }

                        // mouth (lower)
                        float mu = u / halfWidth;
                        if (Math.abs(mu) < 1.25f) {
                            float cu = Math.min(1f, Math.abs(mu));
                            float centre =
                                    mouthV
                                            - corner * cu * cu
                                            - cornerOneSide
                                                    * Math.max(0f, smirkSide * mu)
                                                    * Math.max(0f, smirkSide * mu);
                            float half = opening * (1f - cu * cu);
                            float d = Math.abs(v - centre) - half;
                            float ends = Math.abs(mu) > 1f ? (Math.abs(mu) - 1f) / 0.25f : 0f;
                            if (half > 0.05f && d < 0f) {
                                value = blend(value, 0.07f, 1f - ends);
                            }
                            value =
                                    blend(
                                            value,
                                            lipTone,
                                            coverage(Math.abs(d) - lip / 2f, 0.6f / k)
                                                    * (1f - ends));
                            // mouth-corner lines with age (lower)
                            if (wrinkles > 0f && Math.abs(mu) > 1.0f) {
                                value -=
                                        0.1f
                                                * wrinkles
                                                * line(
                                                        v
                                                                - centre
                                                                - 1.2f * (Math.abs(mu) - 1f) * 4f,
                                                        0.5f)
                                                * (1f - ends);
                            }
                        }
                    }
                    value += noise * (float) gaussian(noiseRandom);
                    p[py * size + px] = clamp(value);
                }
            }
            return p;
        }

        /** Signed distance-like value of an ellipse in units (negative inside). */
        private static float ellipse(float u, float v, float a, float b) {
            float q = (float) Math.sqrt((u / a) * (u / a) + (v / b) * (v / b));
            return (q - 1f) * Math.min(a, b);
        }

        /** Coverage of a shape at signed distance d with a soft edge of the given width. */
        private static float coverage(float d, float edge) {
            return clamp(0.5f - d / Math.max(edge, 1e-3f));
        }

        private static float outline(float d, float width) {
            return clamp(1f - Math.abs(d) / width);
        }

        private static float line(float d, float width) {
            return clamp(1f - Math.abs(d) / width);
        }

        private static float smooth(float d, float width) {
            return clamp(d / width);
        }

        private static float blend(float base, float colour, float alpha) {
            return base + (colour - base) * alpha;
        }

        private static float clamp(float v) {
            return v < 0f ? 0f : v > 1f ? 1f : v;
        }

        private static double gaussian(SplittableRandom random) {
            // Box-Muller without caching: deterministic per call order
            double u1 = Math.max(1e-12, random.nextDouble());
            double u2 = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
    }
}
