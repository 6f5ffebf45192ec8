package com.imagingmanifest.gateway;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.gateway.manifest.KosTranslation;
import com.imagingmanifest.pacs.PacsBinding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/** A stand-in translation: checks the essentials and makes "KOS" whose bytes are their SOP UID. */
public final class FakeKosTranslation implements KosTranslation {
    @Override
    public List<Problem> validate(ImagingManifest manifest) {
        List<Problem> problems = new ArrayList<>();
        if (!manifest.hasPatient()) {
            problems.add(new Problem("ImagingManifest.patient", "patient is required"));
        }
        if (!manifest.hasStudy()) {
            problems.add(new Problem("ImagingManifest.study", "at least one study is required"));
        }
        for (int i = 0; i < manifest.getStudy().size(); i++) {
            ImagingManifest.StudyComponent study = manifest.getStudy().get(i);
            if (!study.hasUid() || !Uid.isValid(study.getUid().replace("urn:oid:", ""))) {
                problems.add(new Problem("ImagingManifest.study[" + i + "].uid", "not a valid DICOM UID"));
            }
            if (!study.hasSeries()) {
                problems.add(new Problem("ImagingManifest.study[" + i + "].series", "at least one series"));
            }
        }
        return problems;
    }

    @Override
    public List<Part10Object> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts, PacsBinding binding,
            List<String> sopInstanceUids) throws ContradictionException {
        List<Part10Object> kos = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, DataSet> study : studyContexts.entrySet()) {
            String patientId = manifest.getPatient().getIdentifier().getValue();
            if (patientId != null && !patientId.equals(study.getValue().getString(Tag.PatientID))) {
                throw new ContradictionException(List.of(new Problem("ImagingManifest.patient",
                        "patient " + patientId + " is not the study's patient")));
            }
            // left to choose, the first KOS takes the manifest's DICOM identifier if any (KosTranslation's
            // contract), every other one a new UID
            String sop = sopInstanceUids != null ? sopInstanceUids.get(i)
                    : i == 0 && manifest.getIdentifier().hasValue()
                            ? manifest.getIdentifier().getValue().replace("urn:oid:", "") : Uid.generate();
            kos.add(new Part10Object(Uid.KeyObjectSelectionDocumentStorage, sop, study.getKey(), Uid.generate(),
                    Uid.ExplicitVRLittleEndian, sop.getBytes(StandardCharsets.US_ASCII), 0));
            i++;
        }
        return kos;
    }
}
