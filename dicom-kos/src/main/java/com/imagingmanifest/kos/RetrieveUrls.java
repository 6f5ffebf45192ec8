package com.imagingmanifest.kos;

/** Retrieve URL (0008,1190) values and the DICOMweb base a FHIR Endpoint carries. */
final class RetrieveUrls {
    private static final String STUDIES = "/studies/";

    private RetrieveUrls() {
    }

    /** PS3.3 10.4 / PS3.18 10.4: the series-level Retrieve URL is the WADO-RS resource of the series. */
    static String seriesUrl(String dicomwebBase, String studyUid, String seriesUid) {
        String base = dicomwebBase.endsWith("/") ? dicomwebBase.substring(0, dicomwebBase.length() - 1) : dicomwebBase;
        return base + STUDIES + studyUid + "/series/" + seriesUid;
    }

    /**
     * The DICOMweb base of a Retrieve URL: producers write the study, series or instance resource
     * ({@code .../studies/{uid}/series/{uid}}) or the bare base; the base is what precedes "/studies/".
     */
    static String base(String retrieveUrl) {
        String url = retrieveUrl.trim();
        int at = url.lastIndexOf(STUDIES);
        if (at > 0) {
            return url.substring(0, at);
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
