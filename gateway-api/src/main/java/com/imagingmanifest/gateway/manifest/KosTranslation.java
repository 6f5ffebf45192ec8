package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.pacs.PacsBinding;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/** The gateway's view of the manifest to KOS translation (module dicom-kos). */
public interface KosTranslation {

    /** A problem with a manifest: where (FHIRPath) and what. */
    record Problem(String location, String message) {
    }

    /** Thrown when the manifest contradicts what the PACS holds (e.g. its patient): HTTP 422. */
    class ContradictionException extends Exception {
        private final List<Problem> problems;

        public ContradictionException(List<Problem> problems) {
            super(problems.isEmpty() ? "manifest contradicts the PACS" : problems.get(0).message());
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /** Structural problems (missing elements, invalid UIDs ...); empty when the manifest is valid. */
    List<Problem> validate(ImagingManifest manifest);

    /**
     * One KOS per selected study, each written once with the identity a store needs (SOP Instance,
     * study and series UIDs), so the PACS port never parses it again. {@code studyContexts} maps each Study Instance UID to the Patient
     * and General Study attributes the PACS holds. {@code sopInstanceUids} null lets the translation
     * choose (taking the manifest's DICOM identifier if any), else one UID per study, in study order.
     */
    List<Part10Object> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts, PacsBinding binding,
            List<String> sopInstanceUids) throws ContradictionException;
}
