package com.imagingmanifest.kos;

/** Concept names of TID 2010 and TID 1002-1004 (PS3.16, all DCM). */
final class KosCodes {
    static final DicomCode KEY_OBJECT_DESCRIPTION = DicomCode.dcm("113012", "Key Object Description");
    static final DicomCode OBSERVER_TYPE = DicomCode.dcm("121005", "Observer Type");
    static final DicomCode PERSON = DicomCode.dcm("121006", "Person");
    static final DicomCode DEVICE = DicomCode.dcm("121007", "Device");
    static final DicomCode PERSON_OBSERVER_NAME = DicomCode.dcm("121008", "Person Observer Name");
    static final DicomCode PERSON_OBSERVER_ORGANIZATION =
            DicomCode.dcm("121009", "Person Observer's Organization Name");
    static final DicomCode DEVICE_OBSERVER_UID = DicomCode.dcm("121012", "Device Observer UID");
    static final DicomCode DEVICE_OBSERVER_NAME = DicomCode.dcm("121013", "Device Observer Name");

    private KosCodes() {
    }
}
