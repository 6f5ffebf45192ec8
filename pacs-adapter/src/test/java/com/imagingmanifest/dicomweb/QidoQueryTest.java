package com.imagingmanifest.dicomweb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import org.junit.jupiter.api.Test;

class QidoQueryTest {

    @Test
    void keysBecomeMatchingAndIncludeFields() {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, Vr.CS, "STUDY");
        keys.setString(Tag.PatientName, Vr.PN, "Doe^J*");
        keys.setEmpty(Tag.StudyDate, Vr.DA);
        keys.setString(Tag.StudyInstanceUID, Vr.UI, "1.2.3");
        keys.newSequence(Tag.OtherPatientIDsSequence).addItem().setString(Tag.PatientID, Vr.LO, "X");
        assertEquals("00100010=Doe%5EJ*&0020000D=1.2.3&includefield=00080020&includefield=00101002",
                QidoQuery.fromKeys(keys).toQueryString());
    }

    @Test
    void pagingAndFuzzyMatching() {
        QidoQuery q = QidoQuery.create().match(Tag.StudyDate, "20240101-20240131").fuzzyMatching(true).includeAll();
        assertEquals("00080020=20240101-20240131&includefield=all&fuzzymatching=true&limit=10&offset=20",
                q.page(20, 10).toQueryString());
        assertEquals("00080020=20240101-20240131&includefield=all&fuzzymatching=true", q.toQueryString());
        assertEquals("00100010=A%20B", QidoQuery.create().match(Tag.PatientName, "A B").toQueryString());
    }
}
