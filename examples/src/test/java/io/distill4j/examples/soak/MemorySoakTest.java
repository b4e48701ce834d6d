package io.distill4j.examples.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The short memory soak: {@link MemorySoak} in a child JVM whose heap is committed and touched up
 * front ({@code -Xms} equal to {@code -Xmx}, {@code -XX:+AlwaysPreTouch}), so that any growth of
 * its resident set is native memory.
 *
 * <p>After a warm-up, two rounds of every optimizer and strategy, each training 4 epochs of 50
 * steps, then evaluation and the fusion. Three checks:
 *
 * <ul>
 *   <li>within every training, the number of arrays alive in the engine is the same after the
 *       last epoch as after the first: no temporary is left on a long-lived manager (the
 *       optimizer leak fixed in TorchSgd left three per parameter and step);
 *   <li>within every training of the second round, the resident set grows by less than {@value
 *       #RUN_BOUND_MB} MB from the first epoch to the last (in the first round, allocator pools
 *       still grow: up to 16 MB seen);
 *   <li>after the second round it is within {@value #ROUND_BOUND_MB} MB of its value after the
 *       first: nothing outlives the models (evaluation, fusion, caches).
 * </ul>
 *
 * <p>Memory a closed model freed is reused by the next one, so a leak that dies with its model
 * can hide from the resident set after a warm-up that had the same leak; the array count cannot
 * hide it.
 */
final class MemorySoakTest {

    private static final long RUN_BOUND_MB = 16;
    private static final long ROUND_BOUND_MB = 48;
    private static final Pattern EPOCH =
            Pattern.compile("config (\\S+) epoch (\\d+) rss_kb (\\d+) arrays (\\d+)");
    private static final Pattern ROUND =
            Pattern.compile("round (\\d+) rss_kb (\\d+) seconds (\\d+)");

    @Test
    void soak_everyOptimizerAndStrategy_residentMemoryFlatAfterWarmUp() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command =
                List.of(
                        java.toString(),
                        "-Xms768m",
                        "-Xmx768m",
                        "-XX:+AlwaysPreTouch",
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MemorySoak.class.getName(),
                        "2",
                        "4",
                        "1600");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Long> rounds = new ArrayList<>();
        Map<String, long[]> firstEpoch = new LinkedHashMap<>();
        List<String> growths = new ArrayList<>();
        List<String> arrayGrowths = new ArrayList<>();
        long worst = 0;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                Matcher epoch = EPOCH.matcher(line);
                Matcher round = ROUND.matcher(line);
                if (epoch.matches() && !epoch.group(1).startsWith("warm-up")) {
                    String run = "round " + (rounds.size() + 1) + " " + epoch.group(1);
                    long rss = Long.parseLong(epoch.group(3));
                    long arrays = Long.parseLong(epoch.group(4));
                    if (epoch.group(2).equals("1")) {
                        firstEpoch.put(run, new long[] {rss, arrays});
                    } else if (epoch.group(2).equals("4")) {
                        long[] first = firstEpoch.get(run);
                        if (rounds.size() == 1) {
                            // The second round: the first still warms allocator pools up.
                            worst = Math.max(worst, rss - first[0]);
                        }
                        growths.add(run + " " + (rss - first[0]) / 1024 + " MB");
                        arrayGrowths.add(run + " " + (arrays - first[1]) + " arrays");
                        if (arrays != first[1]) {
                            growths.add(run + " ARRAYS " + first[1] + " -> " + arrays);
                        }
                    }
                } else if (round.matches()) {
                    rounds.add(Long.parseLong(round.group(2)));
                }
            }
        }
        assertThat(process.waitFor(20, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output.toString()).isZero();
        assertThat(rounds).as(output.toString()).hasSize(2);
        // 2 rounds of 5 optimizers and 5 strategies.
        assertThat(arrayGrowths).hasSize(20);
        System.out.printf(
                "MemorySoakTest: VmRSS after rounds 1 and 2: %d and %d MB; largest growth within"
                        + " a training %d MB; %s%n",
                rounds.get(0) / 1024, rounds.get(1) / 1024, worst / 1024, growths);
        assertThat(arrayGrowths).allMatch(g -> g.endsWith(" 0 arrays"), "no array left behind");
        assertThat(worst / 1024)
                .as("growth within a training, MB: %s", growths)
                .isLessThan(RUN_BOUND_MB);
        assertThat((rounds.get(1) - rounds.get(0)) / 1024)
                .as("growth from round 1 to round 2, MB")
                .isLessThan(ROUND_BOUND_MB);
    }
}
