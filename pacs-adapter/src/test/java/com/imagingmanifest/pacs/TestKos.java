package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** KOS test objects: the shared kos-template.dump with fresh UIDs, turned into Part 10 by dump2dcm. */
final class TestKos {
    final Map<String, String> uids = TestData.freshKosUids();
    final String patientId = "PAT-" + Long.toHexString(System.nanoTime());
    final String issuer = "ISSUER-PACS-TEST";
    private String contentDate = "20240115";
    private String contentTime = "101500";

    /** A KOS in a study of its own. */
    static TestKos fresh() {
        return new TestKos();
    }

    /** Another KOS (new SOP and series UIDs) in the same study and patient. */
    TestKos sibling() {
        TestKos other = new TestKos();
        other.uids.put("STUDY_UID", uids.get("STUDY_UID"));
        other.uids.put("IMG_SERIES_UID", uids.get("IMG_SERIES_UID"));
        return other.withPatient(patientId);
    }

    private String overridePatientId;

    private TestKos withPatient(String id) {
        this.overridePatientId = id;
        return this;
    }

    /** Content Date/Time an hour ahead, so it sorts after every KOS the tests stored before. */
    TestKos contentAheadOfNow() {
        LocalDateTime t = LocalDateTime.now().plusHours(1);
        contentDate = t.format(DateTimeFormatter.BASIC_ISO_DATE);
        contentTime = t.format(DateTimeFormatter.ofPattern("HHmmss"));
        return this;
    }

    String study() {
        return uids.get("STUDY_UID");
    }

    String series() {
        return uids.get("KOS_SERIES_UID");
    }

    String sop() {
        return uids.get("SOP_UID");
    }

    String pid() {
        return overridePatientId != null ? overridePatientId : patientId;
    }

    InstanceRef ref() {
        return new InstanceRef(study(), series(), sop(), Uid.KeyObjectSelectionDocumentStorage);
    }

    byte[] part10() {
        String dump = TestData.kosTemplate(uids)
                .replace("(0010,0020) LO [PAT-KOS-1]", "(0010,0020) LO [" + pid() + "]\n(0010,0021) LO [" + issuer + "]")
                .replace("(0008,0023) DA [20240115]", "(0008,0023) DA [" + contentDate + "]")
                .replace("(0008,0033) TM [101500]", "(0008,0033) TM [" + contentTime + "]");
        try {
            Path dir = Files.createTempDirectory("pacs-kos");
            try {
                return Files.readAllBytes(TestData.dicomFromDump(dump, dir, "kos.dcm"));
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
