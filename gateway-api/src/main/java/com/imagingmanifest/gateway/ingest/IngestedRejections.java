package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.gateway.manifest.GatewayRejections;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/** {@link GatewayRejections} kept with the rejections ingestion records, which it consults for every KOS. */
@Component
class IngestedRejections implements GatewayRejections {
    private final IngestRecords records;

    IngestedRejections(IngestRecords records) {
        this.records = records;
    }

    @Override
    public void rejected(String organizationId, String kosSopUid, String noteSopUid) {
        try {
            records.recordRejected(organizationId, kosSopUid, noteSopUid);
        } catch (DataIntegrityViolationException recordedMeanwhile) {
            // the poller ingested the note first: the rejection is recorded either way
        }
    }
}
