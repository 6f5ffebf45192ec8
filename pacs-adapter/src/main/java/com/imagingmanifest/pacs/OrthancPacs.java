package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.dicomweb.DicomwebException;
import com.imagingmanifest.orthanc.OrthancRest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Orthanc: DICOMweb for store, find and retrieve (as {@link DicomwebPacs}), its REST API for what
 * DICOMweb lacks: delete ({@code /tools/lookup}, {@code DELETE /instances/{id}}), the change feed,
 * and {@code /system} as the check.
 *
 * <p>KOS feed: the cursor is Orthanc's change sequence number. NewInstance changes whose SOP class
 * is Key Object Selection are reported; instances deleted before the poll are skipped, and
 * deletions themselves never appear (Orthanc keeps them out of /changes). Orthanc forgets changes
 * beyond its history limit, so a poller must not fall further behind than that. Each KOS comes with
 * its Part 10 file ({@code /instances/{id}/file}), read with the SOP class by a few threads at once:
 * two REST calls per KOS, none of them waiting for another.
 */
public final class OrthancPacs implements Pacs {
    /** Changes read per REST call (Orthanc caps /changes pages at 100 anyway). */
    private static final int CHANGES_PAGE = 100;
    /**
     * KOS files read at once while a page of changes is examined: enough to hide the latency of
     * each REST call while Orthanc is busy storing, few enough to leave most of Orthanc's HTTP
     * threads (50 by default) to viewers and stores. Measured with 8 clients storing 3,000 KOS:
     * 4 readers kept up at 0.67-0.69x of the store rate, 8 at 0.74-0.75x, 16 no better.
     */
    private static final int READERS = 8;
    /** REST calls per kosSince, so one poll is bounded even when the feed is long. */
    private static final int MAX_PAGES_PER_POLL = 50;

    private final DicomwebPacs dicomweb;
    private final OrthancRest rest;
    /** False once this Orthanc answered that it has no {@code /tools/bulk-content}. */
    private volatile boolean bulkContent = true;
    /** One pool for every poll of this binding; its threads end after a minute without a poll. */
    private final ThreadPoolExecutor readers = new ThreadPoolExecutor(READERS, READERS, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "orthanc-kos-reader");
                t.setDaemon(true);
                return t;
            });

    public OrthancPacs(DicomwebPacs dicomweb, OrthancRest rest) {
        this.dicomweb = dicomweb;
        this.rest = rest;
        readers.allowCoreThreadTimeOut(true);
    }

    @Override
    public Set<PacsCapability> capabilities() {
        return PacsCapability.of(PacsBinding.Kind.ORTHANC);
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
    public StoreResult store(Part10Object object) throws PacsException {
        return dicomweb.store(object);
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
    public Optional<com.imagingmanifest.dicomweb.DicomwebClient> dicomweb() {
        return dicomweb.dicomweb();
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
        List<KosChanges.Kos> found = new ArrayList<>();
        List<Future<Optional<KosChanges.Kos>>> read = new ArrayList<>();
        try {
            for (int page = 0; page < MAX_PAGES_PER_POLL; page++) {
                OrthancRest.ChangePage changes = rest.changes(since, CHANGES_PAGE);
                Optional<Map<String, String>> classes = sopClasses(changes);
                // each new instance is read while the others are: the calls are independent
                read.clear();
                for (OrthancRest.Change c : changes.changes()) {
                    if (!"NewInstance".equals(c.changeType())) {
                        read.add(null);
                    } else if (classes.isEmpty()) {
                        read.add(readers.submit(() -> kos(c.id())));
                    } else if (Uid.KeyObjectSelectionDocumentStorage.equals(classes.get().get(c.id()))) {
                        read.add(readers.submit(() -> kosFile(c.id())));
                    } else {
                        read.add(null); // not a KOS, or gone
                    }
                }
                for (int i = 0; i < read.size(); i++) {
                    if (found.size() == limit) {
                        return new KosChanges(found, Long.toString(since), false);
                    }
                    since = changes.changes().get(i).seq();
                    if (read.get(i) != null) {
                        result(read.get(i)).ifPresent(found::add);
                    }
                }
                since = Math.max(since, changes.last());
                if (changes.done()) {
                    return new KosChanges(found, Long.toString(since), true);
                }
            }
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        } finally {
            // reads past the page's limit are not used: the next poll starts from the cursor again
            read.stream().filter(Objects::nonNull).forEach(f -> f.cancel(true));
        }
        return new KosChanges(found, Long.toString(since), false);
    }

    private static <T> T result(Future<T> read) throws DicomwebException {
        try {
            return read.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DicomwebException d) {
                throw d;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DicomwebException(DicomwebException.Kind.TIMEOUT, "interrupted while reading KOS");
        }
    }

    /**
     * The SOP classes of the page's new instances in one call, so that only KOS files are read and
     * no instance costs a call of its own to tell; empty when this Orthanc lacks the call (before
     * 1.9.4), which is then not asked again.
     */
    private Optional<Map<String, String>> sopClasses(OrthancRest.ChangePage changes) throws DicomwebException {
        List<String> ids = changes.changes().stream().filter(c -> "NewInstance".equals(c.changeType()))
                .map(OrthancRest.Change::id).toList();
        if (ids.isEmpty() || !bulkContent) {
            return ids.isEmpty() ? Optional.of(Map.of()) : Optional.empty();
        }
        Optional<Map<String, String>> classes = rest.sopClasses(ids);
        bulkContent = classes.isPresent();
        return classes;
    }

    /**
     * The instance with its Part 10 file when it is (still) there and is a KOS: two calls, the SOP
     * class (Orthanc metadata, so that instances that are not KOS cost no file read) and the file.
     */
    private Optional<KosChanges.Kos> kos(String id) throws DicomwebException {
        Optional<String> sopClass = rest.instanceMetadata(id, "SopClassUid");
        if (sopClass.isEmpty() || !Uid.KeyObjectSelectionDocumentStorage.equals(sopClass.get())) {
            return Optional.empty();
        }
        return kosFile(id);
    }

    /** A KOS instance with its Part 10 file, when it is still there. */
    private Optional<KosChanges.Kos> kosFile(String id) throws DicomwebException {
        Optional<byte[]> file = rest.instanceFile(id);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Optional<InstanceRef> ref = identity(file.get());
        if (ref.isEmpty()) {
            // a file this parser cannot read still goes on, to be quarantined: Orthanc names its UIDs
            ref = rest.instance(id).map(i -> new InstanceRef(i.studyInstanceUid(), i.seriesInstanceUid(),
                    i.sopInstanceUid(), Uid.KeyObjectSelectionDocumentStorage));
        }
        return ref.map(r -> new KosChanges.Kos(r, file.get()));
    }

    /** Study, series and SOP Instance UIDs of a KOS file; empty when it cannot be read. */
    private static Optional<InstanceRef> identity(byte[] part10) {
        DataSet ds;
        try {
            ds = Part10.read(part10).dataSet();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        InstanceRef ref = new InstanceRef(ds.getString(Tag.StudyInstanceUID), ds.getString(Tag.SeriesInstanceUID),
                ds.getString(Tag.SOPInstanceUID), Uid.KeyObjectSelectionDocumentStorage);
        return ref.sopInstanceUid() == null ? Optional.empty() : Optional.of(ref);
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
        readers.shutdownNow();
        dicomweb.close();
    }
}
