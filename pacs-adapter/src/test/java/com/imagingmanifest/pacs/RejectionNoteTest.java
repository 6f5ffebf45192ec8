package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectionNoteTest {
    @TempDir
    Path dir;

    private static DataSet context(String study) {
        DataSet c = new DataSet();
        c.setString(Tag.PatientName, Vr.PN, "Müller^Jörg");
        c.setString(Tag.PatientID, Vr.LO, "P1");
        c.setString(Tag.IssuerOfPatientID, Vr.LO, "HOSP");
        c.setString(Tag.StudyInstanceUID, Vr.UI, study);
        c.setString(Tag.StudyDate, Vr.DA, "20240115");
        c.setString(Tag.AccessionNumber, Vr.SH, "ACC1");
        return c;
    }

    @Test
    void theNoteIsAValidKosTitledRejectedForQualityReasons() throws Exception {
        String study = Uid.generate();
        InstanceRef a = new InstanceRef(study, Uid.generate(), Uid.generate(), Uid.KeyObjectSelectionDocumentStorage);
        InstanceRef b = new InstanceRef(study, a.seriesInstanceUid(), Uid.generate(), Uid.KeyObjectSelectionDocumentStorage);
        DataSet note = RejectionNote.build(context(study), List.of(a, b), RejectionNote.Reason.QUALITY);
        Path file = dir.resolve("note.dcm");
        Files.write(file, Part10.write(note, Uid.ExplicitVRLittleEndian));

        ToolResult verify = Dcmtk.dciodvfy(file);
        String errors = verify.output().lines().filter(l -> l.startsWith("Error")).collect(Collectors.joining("\n"));
        assertEquals("", errors, "dciodvfy errors:\n" + verify.output());
        String tree = Dcmtk.dsrdump(file);
        assertTrue(tree.contains("Rejected for Quality Reasons"), tree);
        assertEquals(2, tree.split("<contains COMPOSITE", -1).length - 1, tree);

        assertEquals("KO", note.getString(Tag.Modality));
        assertEquals("Müller^Jörg", note.getString(Tag.PatientName));
        assertEquals("HOSP", note.getString(Tag.IssuerOfPatientID));
        assertEquals(2, note.getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0)
                .getItem(Tag.ReferencedSeriesSequence, 0).getSequence(Tag.ReferencedSOPSequence).size());
        assertEquals(RejectionNote.Reason.QUALITY, RejectionNote.Reason.ofTitle("113001"));
        assertEquals(RejectionNote.Reason.DATA_RETENTION_POLICY_EXPIRED, RejectionNote.Reason.ofTitle("113039"));
    }

    @Test
    void instancesOfAnotherStudyCannotBeRejectedInThisOne() {
        InstanceRef elsewhere = new InstanceRef(Uid.generate(), Uid.generate(), Uid.generate(), Uid.CTImageStorage);
        assertThrows(IllegalArgumentException.class,
                () -> RejectionNote.build(context(Uid.generate()), List.of(elsewhere), RejectionNote.Reason.QUALITY));
        assertThrows(IllegalArgumentException.class,
                () -> RejectionNote.build(context(Uid.generate()), List.of(), RejectionNote.Reason.QUALITY));
    }
}
