package com.imagingmanifest.dicom.architectureprobe;

import ca.uhn.fhir.context.FhirVersionEnum;
import java.net.http.HttpClient;

/** Breaks both dicom-kos rules on purpose, so DicomKosArchitectureTest can show they bite. Test code only. */
public final class ProbeUsingHttpAndHapi {

    private ProbeUsingHttpAndHapi() {
    }

    static Object offend() {
        return HttpClient.newBuilder() != null ? FhirVersionEnum.DSTU3 : null;
    }
}
