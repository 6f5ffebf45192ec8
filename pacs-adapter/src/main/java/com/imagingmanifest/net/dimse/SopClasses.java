package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.Uid;
import java.util.List;

/** SOP Class UIDs (PS3.6 Annex A) that the network layer proposes by default. */
public final class SopClasses {
    public static final String BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11";
    public static final String ENHANCED_SR = "1.2.840.10008.5.1.4.1.1.88.22";
    public static final String COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
    public static final String GRAYSCALE_SOFTCOPY_PRESENTATION_STATE = "1.2.840.10008.5.1.4.1.1.11.1";
    public static final String COMPUTED_RADIOGRAPHY_IMAGE = "1.2.840.10008.5.1.4.1.1.1";
    public static final String DIGITAL_XRAY_IMAGE_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1";
    public static final String ULTRASOUND_IMAGE = "1.2.840.10008.5.1.4.1.1.6.1";
    /** PS3.4 B.5: every Storage SOP Class UID lies under this root. */
    public static final String STORAGE_ROOT = "1.2.840.10008.5.1.4.1.1.";

    /** What a gateway stores and retrieves: KOS first, then common image and SR classes. */
    public static final List<String> DEFAULT_STORAGE = List.of(
            Uid.KeyObjectSelectionDocumentStorage, Uid.CTImageStorage, Uid.MRImageStorage,
            Uid.SecondaryCaptureImageStorage, COMPUTED_RADIOGRAPHY_IMAGE, DIGITAL_XRAY_IMAGE_FOR_PRESENTATION,
            ULTRASOUND_IMAGE, BASIC_TEXT_SR, ENHANCED_SR, COMPREHENSIVE_SR, GRAYSCALE_SOFTCOPY_PRESENTATION_STATE);

    private SopClasses() {
    }
}
