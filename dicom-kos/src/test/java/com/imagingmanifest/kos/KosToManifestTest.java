package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DicomFile;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.Dcmtk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KOS made by another producer (DCMTK's dump2dcm from the shared test data) read as manifests. */
class KosToManifestTest {
    private static final String STUDY = "2.25.111111111111111111111111111111111111";
    private static final String SERIES = "2.25.333333333333333333333333333333333333";
    private static final KosToManifest READER = new KosToManifest(ZoneId.of("UTC"));

    @TempDir
    Path dir;

    private DicomFile fromDump(String dump, String name, String... dump2dcmOptions) throws IOException {
        Path text = dir.resolve(name + ".dump");
        Files.writeString(text, dump);
        Path file = Dcmtk.dump2dcm(text, dir.resolve(name + ".dcm"), dump2dcmOptions);
        return Part10.read(Files.readAllBytes(file));
    }

    private static String basicDump() {
        return Manifests.resource("kos-basic.dump");
    }

    @Test
    void sharedBasicKos() throws IOException {
        ImagingManifest m = READER.translate(fromDump(basicDump(), "basic").dataSet());
        assertEquals("urn:dicom:uid", m.getIdentifier().getSystem());
        assertEquals("urn:oid:2.25.555555555555555555555555555555555555", m.getIdentifier().getValue());
        assertEquals("Test^Patient", m.getPatient().getDisplay());
        assertEquals("PAT-KOS-1", m.getPatient().getIdentifier().getValue());
        assertFalse(m.getPatient().getIdentifier().hasSystem());
        assertEquals("2024-01-15T10:15:00Z", m.getAuthoringTimeElement().getValueAsString(),
                "no Timezone Offset From UTC: read in the fallback zone");
        assertEquals("Selected by FHIR gateway probe", m.getDescription());
        assertFalse(m.hasAuthor());
        assertTrue(m.getExtensionsByUrl(KosTitle.EXTENSION_URL).isEmpty(), "113000 is the default title");
        assertEquals(1, m.getStudy().size());
        assertEquals("urn:oid:" + STUDY, m.getStudy().get(0).getUid());
        ImagingManifest.SeriesComponent series = m.getStudy().get(0).getSeriesFirstRep();
        assertEquals("urn:oid:" + SERIES, series.getUid());
        assertEquals(List.of("urn:oid:2.25.444444444444444444444444444444444441",
                "urn:oid:2.25.444444444444444444444444444444444442"),
                series.getInstance().stream().map(ImagingManifest.InstanceComponent::getUid).toList());
        assertEquals("urn:oid:1.2.840.10008.5.1.4.1.1.2", series.getInstance().get(0).getSopClass());
    }

    @Test
    void implicitVrAndUndefinedLengthsGiveTheSameManifest() throws IOException {
        String expected = ManifestJson.encode(READER.translate(fromDump(basicDump(), "explicit").dataSet()));
        DicomFile implicit = fromDump(basicDump(), "implicit", "+ti", "-e");
        assertEquals("1.2.840.10008.1.2", implicit.transferSyntaxUid());
        assertEquals(expected, ManifestJson.encode(READER.translate(implicit.dataSet())));
        DicomFile undefined = fromDump(basicDump(), "undefined", "+te", "-e");
        assertEquals(expected, ManifestJson.encode(READER.translate(undefined.dataSet())));
    }

    @Test
    void otherTitleIsKeptInTheExtension() throws IOException {
        String dump = basicDump().replace("[113000]", "[113030]").replace("[Of Interest]", "[Manifest]");
        ImagingManifest m = READER.translate(fromDump(dump, "manifest-title").dataSet());
        Coding title = (Coding) m.getExtensionByUrl(KosTitle.EXTENSION_URL).getValue();
        assertEquals("http://dicom.nema.org/resources/ontology/DCM", title.getSystem());
        assertEquals("113030", title.getCode());
        assertEquals("Manifest", title.getDisplay());
    }

    @Test
    void seriesRetrieveLocationBecomesAContainedEndpoint() throws IOException {
        String url = "https://pacs.example.org/dicom-web/studies/" + STUDY + "/series/" + SERIES;
        String dump = basicDump().replace("        (0020,000e) UI [" + SERIES + "]",
                "        (0020,000e) UI [" + SERIES + "]\n        (0008,0054) AE [PACS_AE]\n"
                        + "        (0008,1190) UR [" + url + "]");
        ImagingManifest m = READER.translate(fromDump(dump, "retrieve").dataSet());
        assertEquals(1, m.getContained().size());
        Endpoint e = (Endpoint) m.getContained().get(0);
        assertEquals("dicom-wado-rs", e.getConnectionType().getCode());
        assertEquals("http://hl7.org/fhir/endpoint-connection-type", e.getConnectionType().getSystem());
        assertEquals("https://pacs.example.org/dicom-web", e.getAddress(), "the DICOMweb base, not the series URL");
        assertEquals("PACS_AE", e.getExtensionByUrl(ManifestExtensions.RETRIEVE_AE_TITLE).getValue().primitiveValue());
        assertFalse(e.getPayloadType().isEmpty(), "STU3 Endpoint.payloadType is required");
        assertEquals("#ep1", m.getStudy().get(0).getEndpointFirstRep().getReference(),
                "one location for all series is given at study level");
    }

    @Test
    void observerContextBecomesTheAuthor() throws IOException {
        String observer = """
                  (fffe,e000) na (Item with undefined length)
                    (0040,a010) CS [HAS OBS CONTEXT]
                    (0040,a040) CS [CODE]
                    (0040,a043) SQ (Sequence with undefined length)
                      (fffe,e000) na (Item)
                        (0008,0100) SH [121005]
                        (0008,0102) SH [DCM]
                        (0008,0104) LO [Observer Type]
                      (fffe,e00d) na (ItemDelimitationItem)
                    (fffe,e0dd) na (SequenceDelimitationItem)
                    (0040,a168) SQ (Sequence with undefined length)
                      (fffe,e000) na (Item)
                        (0008,0100) SH [121006]
                        (0008,0102) SH [DCM]
                        (0008,0104) LO [Person]
                      (fffe,e00d) na (ItemDelimitationItem)
                    (fffe,e0dd) na (SequenceDelimitationItem)
                  (fffe,e00d) na (ItemDelimitationItem)
                  (fffe,e000) na (Item with undefined length)
                    (0040,a010) CS [HAS OBS CONTEXT]
                    (0040,a040) CS [PNAME]
                    (0040,a043) SQ (Sequence with undefined length)
                      (fffe,e000) na (Item)
                        (0008,0100) SH [121008]
                        (0008,0102) SH [DCM]
                        (0008,0104) LO [Person Observer Name]
                      (fffe,e00d) na (ItemDelimitationItem)
                    (fffe,e0dd) na (SequenceDelimitationItem)
                    (0040,a123) PN [Radiologist^Rita]
                  (fffe,e00d) na (ItemDelimitationItem)
                """;
        String dump = basicDump().replace("(0040,a730) SQ (Sequence with explicit length #=3)\n",
                "(0040,a730) SQ (Sequence with explicit length #=3)\n" + observer);
        ImagingManifest m = READER.translate(fromDump(dump, "observer").dataSet());
        assertEquals("Radiologist^Rita", m.getAuthor().getDisplay());
        assertFalse(m.getAuthor().hasIdentifier());
    }

    @Test
    void observationDateTimeIsAcceptedWithoutContentDate() {
        DataSet kos = kosFromShared();
        kos.remove(Tag.ContentDate);
        kos.remove(Tag.ContentTime);
        kos.setString(Tag.ObservationDateTime, Vr.DT, "20230704120000.250-0500");
        assertEquals("2023-07-04T12:00:00.250-05:00", READER.translate(kos).getAuthoringTimeElement().getValueAsString());
    }

    @Test
    void rejectionNotesAreRecognisedNotMapped() throws IOException {
        String dump = basicDump().replace("[113000]", "[113001]").replace("[Of Interest]", "[Rejected for Quality Reasons]");
        DataSet note = fromDump(dump, "rejection").dataSet();
        assertTrue(KosToManifest.isRejectionNote(note));
        KosMappingException e = assertThrows(KosMappingException.class, () -> READER.translate(note));
        assertTrue(e.getMessage().contains("rejection note"), e.getMessage());
        List<RejectedInstance> rejected = KosToManifest.rejectedInstances(note);
        assertEquals(List.of(
                new RejectedInstance(STUDY, SERIES, "1.2.840.10008.5.1.4.1.1.2", "2.25.444444444444444444444444444444444441"),
                new RejectedInstance(STUDY, SERIES, "1.2.840.10008.5.1.4.1.1.2", "2.25.444444444444444444444444444444444442")),
                rejected);
        for (String code : List.of("113037", "113038", "113039")) {
            DataSet other = kosFromShared();
            DicomCode.dcm(code, KosTitle.meaningOf(code)).writeTo(other, Tag.ConceptNameCodeSequence);
            assertTrue(KosToManifest.isRejectionNote(other), code);
        }
        assertFalse(KosToManifest.isRejectionNote(kosFromShared()));
        assertThrows(KosMappingException.class, () -> KosToManifest.rejectedInstances(kosFromShared()));
    }

    @Test
    void refusesWhatIsNotAMappableKos() {
        DataSet ct = kosFromShared();
        ct.setString(Tag.SOPClassUID, Vr.UI, "1.2.840.10008.5.1.4.1.1.2");
        assertMessage(ct, "is not Key Object Selection Document Storage");

        assertMessage(new DataSet(), "no SOP Class UID");

        DataSet noEvidence = kosFromShared();
        noEvidence.remove(Tag.CurrentRequestedProcedureEvidenceSequence);
        assertMessage(noEvidence, "no Current Requested Procedure Evidence Sequence");

        DataSet stray = kosFromShared();
        stray.getSequence(Tag.ContentSequence).stream().filter(i -> "IMAGE".equals(i.getString(Tag.ValueType)))
                .findFirst().orElseThrow().getItem(Tag.ReferencedSOPSequence, 0)
                .setString(Tag.ReferencedSOPInstanceUID, Vr.UI, "2.25.9");
        assertMessage(stray, "does not list");

        DataSet anonymous = kosFromShared();
        anonymous.setEmpty(Tag.PatientID, Vr.LO);
        anonymous.setEmpty(Tag.PatientName, Vr.PN);
        assertMessage(anonymous, "neither Patient ID nor Patient's Name");

        DataSet empty = kosFromShared();
        empty.newSequence(Tag.ContentSequence);
        assertMessage(empty, "selects no instances");

        DataSet notContainer = kosFromShared();
        notContainer.setString(Tag.ValueType, Vr.CS, "TEXT");
        assertMessage(notContainer, "not a CONTAINER");
    }

    private static void assertMessage(DataSet ds, String expected) {
        KosMappingException e = assertThrows(KosMappingException.class, () -> READER.translate(ds));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** The shared KOS as our own writer makes it (no external tool), for tests that edit the data set. */
    static DataSet kosFromShared() {
        List<KosDocument> docs = new ManifestToKos(null).translate(Manifests.basic(), java.util.Map.of());
        return Part10.read(docs.get(0).toPart10()).dataSet();
    }

    @Test
    void kosWithoutContentDateHasNoAuthoringTime() {
        DataSet kos = kosFromShared();
        kos.remove(Tag.ContentDate);
        assertNull(READER.translate(kos).getAuthoringTimeElement().getValueAsString());
    }
}
