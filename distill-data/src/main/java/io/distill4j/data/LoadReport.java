package io.distill4j.data;

import ai.djl.training.dataset.Dataset.Usage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an adapter left out of a data set, and why: nothing is dropped silently.
 *
 * <ul>
 *   <li>{@link #skipped()}: bad records (wrong number of values, non-numeric values, unknown split
 *       names, missing or unreadable images) left out because {@link OnBadRecord#SKIP} was asked
 *       for; each names its file and line, or its image path;
 *   <li>{@link #repaired()}: records whose known defects were repaired and which were kept (the
 *       malformed UTKFace file names, for example);
 *   <li>{@link #excluded(Usage)}: well-formed records that the data set's protocol leaves out (a
 *       FER+ row with no image name or no majority, an AffectNet image coded None), counted per
 *       split and reason;
 *   <li>{@link #notes()}: anything else worth knowing, such as files in a data set folder that are
 *       not images and were not read.
 * </ul>
 *
 * <p>Instances are immutable; adapters fill a {@link Builder} while they read.
 */
public final class LoadReport {

    private final OnBadRecord policy;
    private final List<RecordIssue> skipped;
    private final List<RecordIssue> repaired;
    private final Map<Usage, Map<String, Long>> excluded;
    private final List<String> notes;

    private LoadReport(Builder builder) {
        this.policy = builder.policy;
        this.skipped = Collections.unmodifiableList(new ArrayList<>(builder.skipped));
        this.repaired = Collections.unmodifiableList(new ArrayList<>(builder.repaired));
        EnumMap<Usage, Map<String, Long>> copy = new EnumMap<>(Usage.class);
        for (Usage usage : Usage.values()) {
            Map<String, Long> reasons = builder.excluded.get(usage);
            copy.put(
                    usage,
                    reasons == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(reasons)));
        }
        this.excluded = Collections.unmodifiableMap(copy);
        this.notes = List.copyOf(builder.notes);
    }

    /**
     * Returns a builder that applies a bad-record policy.
     *
     * @param policy what to do with bad records
     * @return the builder
     */
    public static Builder builder(OnBadRecord policy) {
        return new Builder(policy);
    }

    /**
     * Returns an empty report (nothing skipped, repaired or excluded).
     *
     * @param policy the bad-record policy that was in force
     * @return the report
     */
    public static LoadReport empty(OnBadRecord policy) {
        return new Builder(policy).build();
    }

    /**
     * Returns the bad-record policy that was in force.
     *
     * @return the policy
     */
    public OnBadRecord policy() {
        return policy;
    }

    /**
     * Returns the bad records that were skipped, in the order they were found.
     *
     * @return the skipped records (empty under {@link OnBadRecord#FAIL})
     */
    public List<RecordIssue> skipped() {
        return skipped;
    }

    /**
     * Returns the records with known defects that were repaired and kept.
     *
     * @return the repaired records
     */
    public List<RecordIssue> repaired() {
        return repaired;
    }

    /**
     * Returns the number of well-formed records of a split that the protocol left out, per reason.
     *
     * @param usage the split
     * @return reason to count, in the order the reasons were first met
     */
    public Map<String, Long> excluded(Usage usage) {
        return excluded.get(Objects.requireNonNull(usage, "usage"));
    }

    /**
     * Returns the number of well-formed records of a split that the protocol left out.
     *
     * @param usage the split
     * @return the count
     */
    public long excludedCount(Usage usage) {
        return excluded(usage).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Returns notes about the load that are neither skips nor exclusions (files that are not
     * images, for example).
     *
     * @return the notes, in the order they were made
     */
    public List<String> notes() {
        return notes;
    }

    /** Collects issues while an adapter reads; applies the bad-record policy. */
    public static final class Builder {

        private final OnBadRecord policy;
        private final List<RecordIssue> skipped = new ArrayList<>();
        private final List<RecordIssue> repaired = new ArrayList<>();
        private final Map<Usage, Map<String, Long>> excluded = new EnumMap<>(Usage.class);
        private final List<String> notes = new ArrayList<>();

        private Builder(OnBadRecord policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /**
         * Returns the policy this builder applies.
         *
         * @return the policy
         */
        public OnBadRecord policy() {
            return policy;
        }

        /**
         * Handles a bad record: rethrows it under {@link OnBadRecord#FAIL}, records it as skipped
         * under {@link OnBadRecord#SKIP}.
         *
         * @param problem the bad record
         * @throws DatasetFormatException the same exception, under {@link OnBadRecord#FAIL}
         */
        public synchronized void bad(DatasetFormatException problem) throws DatasetFormatException {
            Objects.requireNonNull(problem, "problem");
            if (policy == OnBadRecord.FAIL) {
                throw problem;
            }
            skipped.add(problem.toIssue());
        }

        /**
         * Records a record whose known defect was repaired.
         *
         * @param issue where, and what was done
         * @return this builder
         */
        public synchronized Builder repaired(RecordIssue issue) {
            repaired.add(Objects.requireNonNull(issue, "issue"));
            return this;
        }

        /**
         * Counts one well-formed record that the protocol leaves out.
         *
         * @param usage the record's split
         * @param reason why it is left out
         * @return this builder
         */
        public synchronized Builder exclude(Usage usage, String reason) {
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(reason, "reason");
            excluded.computeIfAbsent(usage, u -> new LinkedHashMap<>())
                    .merge(reason, 1L, Long::sum);
            return this;
        }

        /**
         * Adds a note.
         *
         * @param note the note, lower case
         * @return this builder
         */
        public synchronized Builder note(String note) {
            notes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        /**
         * Returns the number of skipped records so far.
         *
         * @return the count
         */
        public synchronized int skippedCount() {
            return skipped.size();
        }

        /**
         * Returns the immutable report.
         *
         * @return the report
         */
        public synchronized LoadReport build() {
            return new LoadReport(this);
        }
    }
}
