package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.pacs.PacsBinding;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code meta.source} of an ingested manifest (a URI naming where its KOS came from; STU3 carries
 * it in {@link KosIngestion#META_SOURCE_EXTENSION}).
 */
final class Sources {
    private Sources() {
    }

    /** A KOS received by C-STORE: {@code dicom://CALLING@CALLED}, AE titles percent-encoded. */
    static String scp(String callingAeTitle, String calledAeTitle) {
        return "dicom://" + encode(callingAeTitle) + "@" + encode(calledAeTitle);
    }

    /**
     * A KOS the poller found: the PACS as viewers know it, its public DICOMweb base, or for a
     * DIMSE-only PACS {@code dicom://AE@host:port}.
     */
    static String pacs(PacsBinding binding) {
        if (binding.kind() == PacsBinding.Kind.DIMSE || binding.viewerDicomwebUrl() == null) {
            return "dicom://" + encode(binding.aeTitle()) + "@" + binding.host() + ":" + binding.port();
        }
        return binding.viewerDicomwebUrl().toString();
    }

    private static String encode(String aeTitle) {
        return URLEncoder.encode(aeTitle == null ? "" : aeTitle.strip(), StandardCharsets.UTF_8).replace("+", "%20");
    }
}
