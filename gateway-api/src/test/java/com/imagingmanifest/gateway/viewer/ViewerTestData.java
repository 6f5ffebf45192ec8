package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.testing.studies.SyntheticCtStudy;
import com.imagingmanifest.kos.InstanceSubset;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.util.List;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.PositiveIntType;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the viewer tests select: a study on the shared Orthanc with three rendered CT images and a
 * three-frame secondary capture; the manifest selects the first two CT images and frames 1 and 3.
 */
record ViewerTestData(String manifestId, SyntheticCtStudy study, String multiFrameSeries, String multiFrameSop) {
    static final int SIZE = 128;
    static final List<Integer> SELECTED_FRAMES = List.of(1, 3);

    /** The three test organizations bound to the shared Orthanc ({@code down} to a closed port). */
    static void organizations(DynamicPropertyRegistry registry) {
        PrivateOrthanc o = PrivateOrthanc.shared();
        ApiTestSupport.organizations(registry, "orthanc", o.host(), o.dicomPort(), o.dicomwebUrl().toString(),
                o.restUrl(), o.username(), o.password(), FreePorts.find());
    }

    static ViewerTestData store(int port, String org, String patientId) {
        PrivateOrthanc orthanc = PrivateOrthanc.shared();
        ViewerTestData data = of(patientId);
        for (byte[] file : data.files()) {
            orthanc.post("/instances", "application/dicom", file);
        }
        String id = ApiTestSupport.client(port, org).create().resource(data.manifest()).execute().getId().getIdPart();
        return data.withManifestId(id);
    }

    /** New UIDs for the study and the multi-frame instance; no manifest id yet. */
    static ViewerTestData of(String patientId) {
        SyntheticCtStudy study = SyntheticCtStudy.of(Uid.generate(), 3, "Viewer^Test", patientId, "HOSPITAL-A");
        return new ViewerTestData(null, study, Uid.generate(), Uid.generate());
    }

    ViewerTestData withManifestId(String id) {
        return new ViewerTestData(id, study, multiFrameSeries, multiFrameSop);
    }

    /** The Part 10 files to store on the PACS: three CT images and the multi-frame instance. */
    List<byte[]> files() {
        List<byte[]> files = new java.util.ArrayList<>(study.part10Files(SIZE));
        files.add(study.multiFrameFile(multiFrameSeries, multiFrameSop, 3, SIZE));
        return files;
    }

    /** The manifest: the first two CT images, and frames 1 and 3 of the multi-frame instance. */
    ImagingManifest manifest() {
        ImagingManifest manifest = ApiTestSupport.manifest(new ApiTestSupport.Study(study.studyUid(),
                study.seriesUid(), study.sopUids(), study.sopClassUid(), study.patientId(), "HOSPITAL-A"), 2,
                "Two CT images and two frames of a secondary capture");
        ImagingManifest.InstanceComponent mf = manifest.getStudyFirstRep().addSeries()
                .setUid("urn:oid:" + multiFrameSeries).addInstance()
                .setSopClass("urn:oid:" + SyntheticCtStudy.MULTI_FRAME_SC).setUid("urn:oid:" + multiFrameSop);
        SELECTED_FRAMES.forEach(f -> mf.addExtension(InstanceSubset.FRAME_EXTENSION, new PositiveIntType(f)));
        return manifest;
    }

    /** The scoped WADO-RS URL of instance {@code sop} in {@code series} of the study, plus {@code suffix}. */
    String url(int port, String org, String series, String sop, String suffix) {
        return "http://127.0.0.1:" + port + "/organizations/" + org + "/dicomweb/studies/" + study.studyUid()
                + "/series/" + series + "/instances/" + sop + suffix;
    }

    String ct(int port, String org, int index, String suffix) {
        return url(port, org, study.seriesUid(), study.sopUids().get(index), suffix);
    }

    String multiFrame(int port, String org, String suffix) {
        return url(port, org, multiFrameSeries, multiFrameSop, suffix);
    }
}
