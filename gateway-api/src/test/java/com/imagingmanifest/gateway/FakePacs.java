package com.imagingmanifest.gateway;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.KosChanges;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsCapability;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.QueryLevel;
import com.imagingmanifest.pacs.StoreResult;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory PACS for tests: it knows the studies registered with {@link #addStudy} and keeps each
 * stored KOS by its SOP Instance UID. The "Part 10" bytes it stores are those of
 * {@link FakeKosTranslation}: the SOP Instance UID in ASCII. Unit tests hold one directly; the tests
 * of a running gateway get one per organization from {@code SecuredServerTest}'s PACS opener.
 */
public final class FakePacs implements Pacs {
    /** Study Instance UID to the study's Patient and General Study attributes. */
    public final Map<String, DataSet> studies = new ConcurrentHashMap<>();
    /** SOP Instance UID of each stored KOS to its "Part 10" bytes. */
    public final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    /** When set, every call fails as unreachable (a PACS that is down). */
    public volatile boolean down;
    /** When set, remove() times out (a PACS too busy to retire a superseded KOS). */
    public volatile boolean refuseRemovals;
    /** When non-negative: stores succeed this many times more, then time out. */
    public final AtomicInteger storesBeforeTimeout = new AtomicInteger(-1);
    /** Runs inside each store, before the object is held: what happens while a C-STORE is in flight. */
    public volatile Runnable whileStoring = () -> { };

    public void addStudy(String studyUid, String patientId, String issuer) {
        DataSet context = new DataSet();
        context.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
        context.setString(Tag.PatientID, Vr.LO, patientId);
        if (issuer != null) {
            context.setString(Tag.IssuerOfPatientID, Vr.LO, issuer);
        }
        context.setString(Tag.PatientName, Vr.PN, "Test^Patient");
        studies.put(studyUid, context);
    }

    private void reachable() throws PacsException {
        if (down) {
            throw new PacsException(PacsException.Kind.UNREACHABLE, "connection refused (fake)");
        }
    }

    /** Every capability: {@link #remove} deletes whatever the policy (no rejection note is kept). */
    @Override
    public Set<PacsCapability> capabilities() {
        return EnumSet.allOf(PacsCapability.class);
    }

    @Override
    public void check() throws PacsException {
        reachable();
    }

    @Override
    public StoreResult store(Part10Object object) throws PacsException {
        reachable();
        if (storesBeforeTimeout.get() >= 0 && storesBeforeTimeout.getAndDecrement() == 0) {
            throw new PacsException(PacsException.Kind.TIMEOUT, "no answer (fake)");
        }
        String sop = new String(object.file(), StandardCharsets.US_ASCII);
        whileStoring.run();
        stored.put(sop, object.file());
        return new StoreResult(new InstanceRef(null, null, sop, Uid.KeyObjectSelectionDocumentStorage), 0, null);
    }

    @Override
    public List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException {
        reachable();
        return List.of();
    }

    @Override
    public Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException {
        reachable();
        return Optional.ofNullable(studies.get(studyInstanceUid)).map(DataSet::new);
    }

    @Override
    public Optional<byte[]> retrieve(String study, String series, String sop) throws PacsException {
        reachable();
        return Optional.ofNullable(stored.get(sop));
    }

    @Override
    public void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException {
        reachable();
        if (refuseRemovals) {
            throw new PacsException(PacsException.Kind.TIMEOUT, "busy (fake)");
        }
        stored.remove(kos.sopInstanceUid());
    }

    @Override
    public KosChanges kosSince(String cursor, int limit) throws PacsException {
        reachable();
        return new KosChanges(List.of(), cursor, true);
    }

    @Override
    public void close() {
    }
}
