package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.kos.KosDocument;
import com.imagingmanifest.kos.ManifestProblem;
import com.imagingmanifest.kos.ManifestToKos;
import com.imagingmanifest.kos.ManifestValidationException;
import com.imagingmanifest.kos.ManifestValidator;
import com.imagingmanifest.kos.RetrieveLocation;
import com.imagingmanifest.pacs.PacsBinding;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.springframework.stereotype.Component;

/** {@link KosTranslation} by the dicom-kos module: ManifestValidator and ManifestToKos. */
@Component
class DicomKosTranslation implements KosTranslation {

    @Override
    public List<Problem> validate(ImagingManifest manifest) {
        return problems(ManifestValidator.validate(manifest));
    }

    @Override
    public List<Part10Object> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts, PacsBinding binding,
            List<String> sopInstanceUids) throws ContradictionException {
        // each series item names where viewers retrieve from: the binding's AE title and public DICOMweb base
        String dicomweb = binding.viewerDicomwebUrl() == null ? null : binding.viewerDicomwebUrl().toString();
        ManifestToKos toKos = new ManifestToKos(new RetrieveLocation(binding.aeTitle(), dicomweb));
        List<KosDocument> documents;
        try {
            documents = toKos.translate(manifest, studyContexts, sopInstanceUids);
        } catch (ManifestValidationException e) {
            // validation already passed: what remains contradicts the PACS (e.g. the study's patient)
            throw new ContradictionException(problems(e.problems()));
        }
        return documents.stream().map(KosDocument::toPart10Object).toList();
    }

    private static List<Problem> problems(List<ManifestProblem> problems) {
        return problems.stream().map(p -> new Problem(p.location(), p.message())).toList();
    }
}
