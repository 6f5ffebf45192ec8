package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.studies.SyntheticCtStudy;
import java.util.List;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;

/** A CT study of the bench patient on the bench's Orthanc: what every created manifest selects. */
record BenchStudy(String studyUid, String seriesUid, List<String> sopUids) {
    static final String ISSUER = "BENCH-ISSUER";
    static final String PATIENT_ID = "BENCH-PAT-1";
    /** One length for every study's UID: the baselines swap it in place in the KOS's encoded bytes. */
    static final int STUDY_UID_LENGTH = 44;

    /** A study of 4 CT instances, stored on {@code orthanc}, its Study Instance UID {@code studyUid}. */
    static BenchStudy seed(PrivateOrthanc orthanc, String studyUid) {
        SyntheticCtStudy study = SyntheticCtStudy.of(studyUid, 4, "Bench^Patient", PATIENT_ID, ISSUER);
        for (byte[] file : study.part10Files()) {
            orthanc.post("/instances", "application/dicom", file);
        }
        return new BenchStudy(study.studyUid(), study.seriesUid(), study.sopUids());
    }

    /** The manifest a client creates for this study: every instance, one series. */
    ImagingManifest manifest() {
        ImagingManifest m = new ImagingManifest();
        m.setPatient(new Reference().setIdentifier(new Identifier().setSystem(ISSUER).setValue(PATIENT_ID))
                .setDisplay("Bench^Patient"));
        m.setAuthoringTimeElement(new DateTimeType("2024-01-15T10:15:00+01:00"));
        m.setAuthor(new Reference().setDisplay("Doe^Jane"));
        m.setDescription("bench key images");
        ImagingManifest.SeriesComponent series = m.addStudy().setUid("urn:oid:" + studyUid)
                .addSeries().setUid("urn:oid:" + seriesUid);
        for (String sop : sopUids) {
            series.addInstance().setSopClass("urn:oid:" + Uid.CTImageStorage).setUid("urn:oid:" + sop);
        }
        return m;
    }
}
