package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.Uid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.PositiveIntType;
import org.hl7.fhir.dstu3.model.Reference;

/**
 * Checks that an ImagingManifest can be written as a KOS, before anything is written. Reports every
 * problem at once, each with a FHIRPath-like location, so that an OperationOutcome can list them.
 */
public final class ManifestValidator {
    private static final String ROOT = "ImagingManifest";
    // PS3.5 Table 6.2-1 maximum lengths
    private static final int LO_MAX = 64;
    private static final int SH_MAX = 16;
    private static final int AE_MAX = 16;
    private static final int PN_GROUP_MAX = 64;

    private final List<ManifestProblem> problems = new ArrayList<>();
    private final ImagingManifest manifest;

    private ManifestValidator(ImagingManifest manifest) {
        this.manifest = manifest;
    }

    /** All problems that stop {@code manifest} from becoming a KOS; empty when it can be written. */
    public static List<ManifestProblem> validate(ImagingManifest manifest) {
        ManifestValidator v = new ManifestValidator(manifest);
        v.run();
        return List.copyOf(v.problems);
    }

    private void run() {
        checkIdentifier();
        checkPatient();
        checkAuthoringTime();
        checkAuthor();
        checkTitle();
        checkStudies();
    }

    private void problem(String location, String message) {
        problems.add(new ManifestProblem(location, message));
    }

    private void checkIdentifier() {
        if (manifest.hasIdentifier() && Oids.DICOM_UID_SYSTEM.equals(manifest.getIdentifier().getSystem())) {
            checkUid(manifest.getIdentifier().getValue(), ROOT + ".identifier.value", "identifier value");
        }
    }

    private void checkPatient() {
        String loc = ROOT + ".patient";
        if (!manifest.hasPatient() || manifest.getPatient().isEmpty()) {
            problem(loc, "patient is required (it becomes the Patient module of the KOS)");
            return;
        }
        Reference p = manifest.getPatient();
        if (ManifestParts.patientId(p) == null && !p.hasDisplay()) {
            problem(loc, "patient needs an identifier, a Patient/{id} reference or a display name");
        }
        if (p.hasIdentifier() && p.getIdentifier().hasValue()) {
            checkLo(p.getIdentifier().getValue(), loc + ".identifier.value", "Patient ID");
        } else if (ManifestParts.patientId(p) != null) {
            checkLo(ManifestParts.patientId(p), loc + ".reference", "Patient ID taken from the reference");
        }
        if (p.hasIdentifier() && p.getIdentifier().hasSystem()) {
            String system = p.getIdentifier().getSystem();
            String where = loc + ".identifier.system";
            if (system.startsWith(Oids.PREFIX) && !Oids.isUidUrn(system)) {
                problem(where, "'" + system + "' is not a valid urn:oid: (PS3.5 9.1 UID syntax)");
            } else {
                checkLo(ManifestParts.issuerOfPatientId(p), where, "Issuer of Patient ID");
            }
        }
        if (p.hasDisplay()) {
            checkPn(p.getDisplay(), loc + ".display", "Patient's Name");
        }
    }

    private void checkAuthoringTime() {
        if (manifest.hasAuthoringTimeElement()) {
            String s = manifest.getAuthoringTimeElement().getValueAsString();
            if (s != null && !ContentDateTime.hasDayPrecision(s)) {
                problem(ROOT + ".authoringTime", "authoringTime '" + s
                        + "' needs at least a full date: it becomes the KOS Content Date (type 1)");
            }
        }
    }

    private void checkAuthor() {
        if (!manifest.hasAuthor()) {
            return;
        }
        Reference a = manifest.getAuthor();
        String loc = ROOT + ".author";
        if (ManifestParts.isDeviceAuthor(a)) {
            checkUid(a.getIdentifier().getValue(), loc + ".identifier.value", "Device Observer UID");
        } else if (ManifestParts.looksLikeDevice(a)) {
            problem(loc + ".identifier", "a Device author needs identifier system 'urn:dicom:uid' with the"
                    + " device's UID as urn:oid: (TID 1004 Device Observer UID is mandatory)");
        } else if (a.hasDisplay()) {
            checkPn(a.getDisplay(), loc + ".display", "Person Observer Name");
        }
        List<Extension> org = a.getExtensionsByUrl(ManifestExtensions.OBSERVER_ORGANIZATION);
        if (!org.isEmpty() && (org.size() > 1 || org.get(0).getValue() == null
                || org.get(0).getValue().primitiveValue() == null)) {
            problem(loc + ".extension", "observer-organization must occur once with a valueString");
        }
    }

    private void checkTitle() {
        List<Extension> all = manifest.getExtension();
        int seen = 0;
        for (int i = 0; i < all.size(); i++) {
            Extension x = all.get(i);
            if (!KosTitle.EXTENSION_URL.equals(x.getUrl())) {
                continue;
            }
            String loc = ROOT + ".extension[" + i + "]";
            if (++seen > 1) {
                problem(loc, "the KOS document title extension may occur only once");
                continue;
            }
            if (!(x.getValue() instanceof Coding c) || !c.hasCode()) {
                problem(loc + ".valueCoding", "the KOS document title needs a valueCoding with a code (CID 7010)");
                continue;
            }
            DicomCode code = DicomCode.fromCoding(c, c.getCode());
            if (KosTitle.isRejection(code)) {
                problem(loc + ".valueCoding.code", "title " + c.getCode() + " (" + KosTitle.meaningOf(c.getCode())
                        + ") is an IOCM rejection note, which would reject the selected instances;"
                        + " a manifest cannot have it");
            }
            if (c.getCode().length() > SH_MAX || c.getCode().contains("\\")) {
                problem(loc + ".valueCoding.code", "code value longer than 16 characters or with a backslash");
            }
            if (c.hasDisplay()) {
                checkLo(c.getDisplay(), loc + ".valueCoding.display", "Code Meaning");
            }
            if (c.hasSystem() && DicomCode.designatorFor(c.getSystem()).length() > SH_MAX) {
                problem(loc + ".valueCoding.system", "unknown coding system '" + c.getSystem()
                        + "': it must name a DICOM coding scheme designator (at most 16 characters)");
            }
        }
    }

    private void checkStudies() {
        if (manifest.getStudy().isEmpty()) {
            problem(ROOT + ".study", "at least one study is required");
            return;
        }
        Map<String, String> studies = new HashMap<>();
        Map<String, String> series = new HashMap<>();
        Map<String, String> instances = new HashMap<>();
        for (int i = 0; i < manifest.getStudy().size(); i++) {
            ImagingManifest.StudyComponent study = manifest.getStudy().get(i);
            String sloc = ROOT + ".study[" + i + "]";
            checkUnique(study.getUid(), sloc + ".uid", "study", studies);
            checkEndpoints(study.getEndpoint(), sloc);
            if (study.getSeries().isEmpty()) {
                problem(sloc + ".series", "at least one series is required");
            }
            for (int j = 0; j < study.getSeries().size(); j++) {
                ImagingManifest.SeriesComponent s = study.getSeries().get(j);
                String rloc = sloc + ".series[" + j + "]";
                checkUnique(s.getUid(), rloc + ".uid", "series", series);
                checkEndpoints(s.getEndpoint(), rloc);
                if (s.getInstance().isEmpty()) {
                    problem(rloc + ".instance", "at least one instance is required");
                }
                for (int k = 0; k < s.getInstance().size(); k++) {
                    ImagingManifest.InstanceComponent inst = s.getInstance().get(k);
                    String iloc = rloc + ".instance[" + k + "]";
                    checkUid(inst.getSopClass(), iloc + ".sopClass", "sopClass");
                    checkUnique(inst.getUid(), iloc + ".uid", "instance", instances);
                    checkSubset(inst, iloc);
                }
            }
        }
    }

    /** PS3.3 Table 10-3: frames or segments, not both; segments only of a segmentation; no repeats. */
    private void checkSubset(ImagingManifest.InstanceComponent inst, String location) {
        int frames = checkNumbers(inst, InstanceSubset.FRAME_EXTENSION, location, Integer.MAX_VALUE);
        int segments = checkNumbers(inst, InstanceSubset.SEGMENT_EXTENSION, location, InstanceSubset.MAX_SEGMENT);
        if (frames > 0 && segments > 0) {
            problem(location + ".extension", "an instance selects frames or segments, not both"
                    + " (Referenced Frame Number and Referenced Segment Number exclude each other)");
        }
        String sopClass = Oids.fromUrn(inst.getSopClass());
        if (frames > 0 && InstanceSubset.isSingleFrame(sopClass)) {
            problem(location + ".extension", "referenced-frame-number needs a multi-frame SOP class, not "
                    + inst.getSopClass() + " (single-frame)");
        }
        if (segments > 0 && !InstanceSubset.isSegmentation(sopClass)) {
            problem(location + ".extension", "referenced-segment-number needs a segmentation SOP class, not "
                    + inst.getSopClass());
        }
    }

    private int checkNumbers(ImagingManifest.InstanceComponent inst, String url, String location, int max) {
        List<Extension> all = inst.getExtension();
        Set<Integer> seen = new HashSet<>();
        int count = 0;
        for (int i = 0; i < all.size(); i++) {
            Extension x = all.get(i);
            if (!url.equals(x.getUrl())) {
                continue;
            }
            count++;
            String loc = location + ".extension[" + i + "]";
            String name = url.substring(url.lastIndexOf('/') + 1);
            if (!(x.getValue() instanceof PositiveIntType p) || p.getValue() == null || p.getValue() < 1) {
                problem(loc, name + " needs a valuePositiveInt");
            } else if (p.getValue() > max) {
                problem(loc, name + " " + p.getValue() + " is larger than " + max);
            } else if (!seen.add(p.getValue())) {
                problem(loc, name + " " + p.getValue() + " appears twice");
            }
        }
        return count;
    }

    private void checkUnique(String urn, String location, String what, Map<String, String> seen) {
        if (!checkUid(urn, location, what + " uid")) {
            return;
        }
        String first = seen.putIfAbsent(urn, location);
        if (first != null) {
            problem(location, what + " " + urn + " appears twice (also at " + first + ")");
        }
    }

    private void checkEndpoints(List<Reference> refs, String location) {
        for (int k = 0; k < refs.size(); k++) {
            Endpoint e = ManifestParts.endpoint(manifest, refs.get(k));
            String loc = location + ".endpoint[" + k + "]";
            if (e == null) {
                if (refs.get(k).hasReference() && refs.get(k).getReference().startsWith("#")) {
                    problem(loc, "no contained Endpoint with id " + refs.get(k).getReference());
                }
                continue; // an external Endpoint reference is kept by the gateway, not mapped
            }
            if (ManifestParts.isWadoRs(e)) {
                String address = e.getAddress();
                if (address == null || !(address.startsWith("http://") || address.startsWith("https://"))) {
                    problem(loc, "a dicom-wado-rs Endpoint needs an http(s) address (the DICOMweb base),"
                            + " not '" + address + "'");
                }
            }
            String ae = ManifestParts.aeTitle(e);
            if (ae != null && (ae.isBlank() || ae.trim().length() > AE_MAX || ae.contains("\\"))) {
                problem(loc, "retrieve-ae-title '" + ae + "' is not an AE title (1 to 16 characters, no backslash)");
            }
        }
    }

    /** Reports a missing, non-urn:oid or invalid UID; true when it is fine. */
    private boolean checkUid(String urn, String location, String what) {
        if (urn == null || urn.isEmpty()) {
            problem(location, what + " is required");
            return false;
        }
        String uid = Oids.fromUrn(urn);
        if (uid == null) {
            problem(location, what + " '" + urn + "' must be in urn:oid: form, e.g. urn:oid:1.2.840.10008.1.2");
            return false;
        }
        if (!Uid.isValid(uid)) {
            problem(location, what + " '" + uid + "' is not a valid DICOM UID (PS3.5 9.1: at most 64"
                    + " characters, digits and dots, no empty component or leading zero)");
            return false;
        }
        return true;
    }

    private void checkLo(String value, String location, String attribute) {
        if (value.length() > LO_MAX) {
            problem(location, attribute + " is longer than 64 characters (LO)");
        }
        checkText(value, location, attribute);
    }

    private void checkPn(String value, String location, String attribute) {
        String[] groups = value.split("=", -1);
        if (groups.length > 3) {
            problem(location, attribute + " has more than three component groups (PN)");
        }
        for (String g : groups) {
            if (g.length() > PN_GROUP_MAX) {
                problem(location, attribute + " has a component group longer than 64 characters (PN)");
                break;
            }
            if (g.split("\\^", -1).length > 5) {
                problem(location, attribute + " has more than five components (PN: family^given^middle^prefix^suffix)");
                break;
            }
        }
        checkText(value, location, attribute);
    }

    private void checkText(String value, String location, String attribute) {
        // PS3.5 6.2: backslash separates values; control characters other than ESC are not allowed
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || (c < 0x20 && c != 0x1B)) {
                problem(location, attribute + " contains a backslash or control character");
                return;
            }
        }
    }
}
