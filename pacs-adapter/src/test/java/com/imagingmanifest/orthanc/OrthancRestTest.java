package com.imagingmanifest.orthanc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicomweb.DicomwebException;
import com.imagingmanifest.dicomweb.HttpAuth;
import com.imagingmanifest.dicomweb.HttpTransport;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrthancRestTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();

    private final OrthancRest rest = new OrthancRest(URI.create(ORTHANC.restUrl()), HttpTransport.builder()
            .auth(HttpAuth.basic(ORTHANC.username(), ORTHANC.password())).build());

    @TempDir
    Path dir;

    private byte[] kos(Map<String, String> uids) throws Exception {
        return Files.readAllBytes(TestData.dicomFromDump(TestData.kosTemplate(uids), dir, "k.dcm"));
    }

    @Test
    void systemNamesTheServer() throws Exception {
        OrthancRest.SystemInfo info = rest.system();
        assertEquals(ORTHANC.aeTitle(), info.dicomAet());
        assertEquals(ORTHANC.dicomPort(), info.dicomPort());
        assertTrue(info.version().startsWith("1."), info.version());
    }

    @Test
    void lookupInstanceTagsDeleteAndTheFeedWithoutDeletions() throws Exception {
        long before = rest.lastChange();
        Map<String, String> uids = TestData.freshKosUids();
        String id = rest.storeInstance(kos(uids));
        assertEquals(id, rest.lookupInstance(uids.get("SOP_UID")).orElseThrow());
        assertEquals(Uid.KeyObjectSelectionDocumentStorage, rest.instanceMetadata(id, "SopClassUid").orElseThrow());
        OrthancRest.Instance instance = rest.instance(id).orElseThrow();
        assertEquals(uids.get("STUDY_UID"), instance.studyInstanceUid());
        assertEquals(uids.get("KOS_SERIES_UID"), instance.seriesInstanceUid());
        assertEquals("KO", instance.modality());

        List<OrthancRest.Change> changes = new ArrayList<>();
        OrthancRest.ChangePage page = rest.changes(before, 100);
        changes.addAll(page.changes());
        assertTrue(changes.stream().anyMatch(c -> "NewInstance".equals(c.changeType()) && id.equals(c.id())));

        assertTrue(rest.deleteInstance(id));
        assertFalse(rest.deleteInstance(id), "second delete: already gone");
        assertTrue(rest.lookupInstance(uids.get("SOP_UID")).isEmpty());
        assertTrue(rest.instance(id).isEmpty());
        OrthancRest.ChangePage after = rest.changes(page.last(), 100);
        assertTrue(after.changes().stream().noneMatch(c -> id.equals(c.id()) || c.changeType().startsWith("Deleted")),
                "Orthanc keeps deletions out of the change feed: " + after.changes());
    }

    @Test
    void sopClassesOfManyInstancesInOneCallLeaveOutTheGoneOnes() throws Exception {
        String kept = rest.storeInstance(kos(TestData.freshKosUids()));
        String gone = rest.storeInstance(kos(TestData.freshKosUids()));
        assertTrue(rest.deleteInstance(gone));
        Map<String, String> classes = rest.sopClasses(List.of(kept, gone)).orElseThrow(
                () -> new AssertionError("this Orthanc has no /tools/bulk-content (1.9.4 and later have it)"));
        assertEquals(Map.of(kept, Uid.KeyObjectSelectionDocumentStorage), classes);
    }

    @Test
    void idsThatAreNotIdsAreRefusedBeforeSending() {
        assertThrows(IllegalArgumentException.class, () -> rest.deleteInstance("../patients"));
        assertThrows(IllegalArgumentException.class, () -> rest.sopClasses(List.of("a/../b")));
    }

    @Test
    void wrongPasswordIsRefused() {
        OrthancRest wrong = new OrthancRest(URI.create(ORTHANC.restUrl()), HttpTransport.builder()
                .auth(HttpAuth.basic(ORTHANC.username(), "nope")).build());
        DicomwebException e = assertThrows(DicomwebException.class, wrong::system);
        assertEquals(DicomwebException.Kind.REFUSED, e.kind());
        assertEquals(401, e.status());
    }
}
