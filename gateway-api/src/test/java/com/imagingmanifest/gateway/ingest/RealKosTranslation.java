package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.gateway.manifest.KosTranslation;
import com.imagingmanifest.kos.KosDocument;
import com.imagingmanifest.kos.ManifestToKos;
import com.imagingmanifest.kos.ManifestValidationException;
import com.imagingmanifest.kos.ManifestValidator;
import com.imagingmanifest.kos.RetrieveLocation;
import com.imagingmanifest.pacs.PacsBinding;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/**
 * The gateway's translation port over the dicom-kos module, for tests that need the real write path
 * (the api branch does not wire one yet).
 */
final class RealKosTranslation implements KosTranslation {
    @Override
    public List<Problem> validate(ImagingManifest manifest) {
        return ManifestValidator.validate(manifest).stream().map(p -> new Problem(p.location(), p.message())).toList();
    }

    @Override
    public List<Kos> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts, PacsBinding binding,
            List<String> sopInstanceUids) throws ContradictionException {
        String base = binding.viewerDicomwebUrl() == null ? null : binding.viewerDicomwebUrl().toString();
        List<KosDocument> documents;
        try {
            documents = new ManifestToKos(new RetrieveLocation(binding.aeTitle(), base))
                    .translate(manifest, studyContexts, sopInstanceUids);
        } catch (ManifestValidationException e) {
            throw new ContradictionException(e.problems().stream()
                    .map(p -> new Problem(p.location(), p.message())).toList());
        }
        return documents.stream().map(d -> new Kos(d.sopInstanceUid(), d.studyInstanceUid(), d.seriesInstanceUid(),
                d.toPart10())).toList();
    }
}
