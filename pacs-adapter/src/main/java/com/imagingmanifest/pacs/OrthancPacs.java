package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicomweb.DicomwebException;
import com.imagingmanifest.orthanc.OrthancRest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Orthanc: DICOMweb for store, find and retrieve (as {@link DicomwebPacs}), its REST API for what
 * DICOMweb lacks: delete ({@code /tools/lookup}, {@code DELETE /instances/{id}}), the change feed,
 * and {@code /system} as the check.
 *
 * <p>KOS feed: the cursor is Orthanc's change sequence number. NewInstance changes whose SOP class
 * is Key Object Selection are reported; instances deleted before the poll are skipped, and
 * deletions themselves never appear (Orthanc keeps them out of /changes). Orthanc forgets changes
 * beyond its history limit, so a poller must not fall further behind than that.
 */
public final class OrthancPacs implements Pacs {
    /** Changes read per REST call (Orthanc caps /changes pages at 100 anyway). */
    private static final int CHANGES_PAGE = 100;
    /** REST calls per kosSince, so one poll is bounded even when the feed is long. */
    private static final int MAX_PAGES_PER_POLL = 50;

    private final DicomwebPacs dicomweb;
    private final OrthancRest rest;

    public OrthancPacs(DicomwebPacs dicomweb, OrthancRest rest) {
        this.dicomweb = dicomweb;
        this.rest = rest;
    }

    @Override
    public Set<PacsCapability> capabilities() {
        Set<PacsCapability> caps = EnumSet.copyOf(dicomweb.capabilities());
        caps.add(PacsCapability.DELETE);
        caps.add(PacsCapability.CHANGE_FEED);
        return caps;
    }

    @Override
    public void check() throws PacsException {
        try {
            rest.system();
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
    }

    @Override
    public StoreResult store(byte[] part10) throws PacsException {
        return dicomweb.store(part10);
    }

    @Override
    public List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException {
        return dicomweb.find(level, keys);
    }

    @Override
    public Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException {
        return dicomweb.studyContext(studyInstanceUid);
    }

    @Override
    public Optional<byte[]> retrieve(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid)
            throws PacsException {
        return dicomweb.retrieve(studyInstanceUid, seriesInstanceUid, sopInstanceUid);
    }

    @Override
    public void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException {
        if (policy != SupersededPolicy.DELETE) {
            dicomweb.remove(kos, policy);
            return;
        }
        try {
            Optional<String> id = rest.lookupInstance(kos.sopInstanceUid());
            if (id.isPresent()) {
                rest.deleteInstance(id.get()); // false (already gone) is fine too
            }
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
    }

    @Override
    public KosChanges kosSince(String cursor, int limit) throws PacsException {
        KosWatermark.requirePositive(limit);
        long since = parseCursor(cursor);
        List<InstanceRef> found = new ArrayList<>();
        try {
            for (int page = 0; page < MAX_PAGES_PER_POLL; page++) {
                OrthancRest.ChangePage changes = rest.changes(since, CHANGES_PAGE);
                for (OrthancRest.Change c : changes.changes()) {
                    if (found.size() == limit) {
                        return new KosChanges(found, Long.toString(since), false);
                    }
                    since = c.seq();
                    if ("NewInstance".equals(c.changeType())) {
                        kos(c.id()).ifPresent(found::add);
                    }
                }
                since = Math.max(since, changes.last());
                if (changes.done()) {
                    return new KosChanges(found, Long.toString(since), true);
                }
            }
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
        return new KosChanges(found, Long.toString(since), false);
    }

    /** The instance as an InstanceRef when it is (still) there and is a KOS. */
    private Optional<InstanceRef> kos(String id) throws DicomwebException {
        // the SOP class is Orthanc metadata: no file read for the many instances that are not KOS
        Optional<String> sopClass = rest.instanceMetadata(id, "SopClassUid");
        if (sopClass.isEmpty() || !Uid.KeyObjectSelectionDocumentStorage.equals(sopClass.get())) {
            return Optional.empty();
        }
        return rest.instance(id).map(i -> new InstanceRef(i.studyInstanceUid(), i.seriesInstanceUid(),
                i.sopInstanceUid(), Uid.KeyObjectSelectionDocumentStorage));
    }

    private static long parseCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            long seq = Long.parseLong(cursor);
            if (seq < 0) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an Orthanc change cursor: " + cursor);
        }
    }

    @Override
    public void close() {
        dicomweb.close();
    }
}
