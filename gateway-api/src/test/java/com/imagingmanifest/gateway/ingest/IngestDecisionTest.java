package com.imagingmanifest.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ingest.IngestDecision.Facts;
import com.imagingmanifest.gateway.ingest.IngestDecision.Verdict;
import com.imagingmanifest.gateway.metrics.GatewayMetrics;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The ingestion rules (docs/architecture.md §5) as a function, without a store or a PACS. */
class IngestDecisionTest {
    private static final String SOP = "2.25.1234";
    private static final IngestRecords.Known NOTHING = new IngestRecords.Known(false, false);
    private static final IngestRecords.Known INGESTED = new IngestRecords.Known(true, false);
    private static final IngestRecords.Known REJECTED = new IngestRecords.Known(false, true);

    private static Facts kos() {
        return Facts.of(SOP, SOP, false);
    }

    @Test
    void theContentIsCheckedBeforeAnythingIsLookedUp() {
        assertThat(IngestDecision.decide(Facts.of(null, SOP, false))).isEqualTo(Verdict.NO_VALID_UID);
        assertThat(IngestDecision.decide(Facts.of("1.2.abc", null, false))).isEqualTo(Verdict.NO_VALID_UID);
        assertThat(IngestDecision.decide(Facts.of(SOP, "2.25.99", false))).isEqualTo(Verdict.UID_DIFFERS);
        assertThat(IngestDecision.decide(Facts.of(SOP, null, false))).as("nothing announced")
                .isEqualTo(Verdict.ASK_OWN);
    }

    @Test
    void theStoreIsAskedBeforeTheRecordsSoThatARemovedKosIsNeverMissedByBoth() {
        assertThat(IngestDecision.decide(kos())).isEqualTo(Verdict.ASK_OWN);
        assertThat(IngestDecision.decide(kos().own(false))).isEqualTo(Verdict.ASK_RECORDS);
        assertThat(IngestDecision.decide(kos().own(true))).as("whether it was ingested still goes first")
                .isEqualTo(Verdict.ASK_RECORDS);
    }

    @Test
    void aKosIngestedBeforeIsADuplicateEvenIfTheGatewayWroteItOrItIsANote() {
        assertThat(IngestDecision.decide(kos().own(false).known(INGESTED))).isEqualTo(Verdict.DUPLICATE);
        assertThat(IngestDecision.decide(Facts.of(SOP, SOP, true).known(INGESTED).own(true)))
                .isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void theGatewaysOwnKosIsSkippedBeforeAnyRejectionRule() {
        assertThat(IngestDecision.decide(kos().known(NOTHING))).isEqualTo(Verdict.ASK_OWN);
        assertThat(IngestDecision.decide(kos().known(REJECTED).own(true))).isEqualTo(Verdict.OWN);
        assertThat(IngestDecision.decide(Facts.of(SOP, SOP, true).known(NOTHING).own(true))).isEqualTo(Verdict.OWN);
    }

    @Test
    void aNoteIsAppliedAndAKosRejectedEarlierCountsOnlyFromTheSameSource() {
        assertThat(IngestDecision.decide(Facts.of(SOP, SOP, true).known(REJECTED).own(false)))
                .isEqualTo(Verdict.APPLY_REJECTION);
        assertThat(IngestDecision.decide(kos().known(REJECTED).own(false))).isEqualTo(Verdict.ASK_REJECTION_SOURCE);
        assertThat(IngestDecision.decide(kos().known(REJECTED).own(false).rejectedBySource(true)))
                .isEqualTo(Verdict.REJECTED_EARLIER);
        assertThat(IngestDecision.decide(kos().known(REJECTED).own(false).rejectedBySource(false)))
                .as("a note from another source rejects nothing of this one").isEqualTo(Verdict.NEW_MANIFEST);
        assertThat(IngestDecision.decide(kos().known(NOTHING).own(false))).isEqualTo(Verdict.NEW_MANIFEST);
    }

    @Test
    void onlyAKosThatWouldBeAManifestIsDecidedWithItsPage() {
        assertThat(IngestDecision.batchable(SOP, SOP, false)).isTrue();
        assertThat(IngestDecision.batchable(SOP, SOP, true)).as("a rejection note").isFalse();
        assertThat(IngestDecision.batchable(SOP, "2.25.99", false)).as("another UID than announced").isFalse();
        assertThat(IngestDecision.batchable("not a uid", "not a uid", false)).isFalse();
    }

    @Test
    void theQuestionsAreTheThreeLookUps() {
        assertThat(Arrays.stream(Verdict.values()).filter(v -> v.isQuestion())).containsExactlyInAnyOrder(
                Verdict.ASK_RECORDS, Verdict.ASK_OWN, Verdict.ASK_REJECTION_SOURCE);
    }

    @Test
    void theMetricsPackageCreatesTheMetersOfEveryChannelAndDefect() {
        assertThat(Arrays.stream(KosIngestion.Channel.values()).map(KosIngestion.Channel::tag))
                .containsExactlyElementsOf(GatewayMetrics.INGEST_SOURCES);
        // every defect of a KOS, and the KOS the PACS would not send (the poller's reason)
        assertThat(java.util.stream.Stream.concat(Arrays.stream(KosIngestion.Defect.values())
                .map(d -> d.name().toLowerCase(Locale.ROOT)), java.util.stream.Stream.of(GatewayMetrics.UNRETRIEVABLE)))
                .containsExactlyElementsOf(GatewayMetrics.QUARANTINE_REASONS);
    }
}
