package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.StringType;

/** docs/architecture.md §6 round trips over generated manifests and generated KOS, through Part 10 bytes. */
class RoundTripPropertiesTest {
    private static final KosToManifest READER = new KosToManifest(ZoneId.of("Europe/Berlin"));
    private static final List<String> SOP_CLASSES = List.of("1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4",
            "1.2.840.10008.5.1.4.1.1.9.1.1", "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.88.22");
    private static final List<String> TITLES = KosTitle.CID_7010.keySet().stream()
            .filter(c -> !KosTitle.isRejection(DicomCode.dcm(c, ""))).sorted().toList();

    // ---- manifest -> KOS -> manifest keeps every mapped field

    @Property(tries = 150)
    void manifestToKosToManifest(@ForAll("manifests") ImagingManifest m) {
        List<String> sops = new ArrayList<>();
        for (int i = 0; i < m.getStudy().size(); i++) {
            sops.add(i == 0 && m.hasIdentifier() ? Oids.fromUrn(m.getIdentifier().getValue()) : Uid.generate());
        }
        List<KosDocument> docs = new ManifestToKos(null).translate(m, Map.of(), sops);
        String expected = canonical(m, true);
        for (int i = 0; i < docs.size(); i++) {
            ImagingManifest back = READER.translate(Part10.read(docs.get(i).toPart10()).dataSet());
            boolean first = i == 0 && m.hasIdentifier();
            assertEquals(first ? expected : canonical(m, false), canonical(back, first),
                    "copy " + i + "\n" + ManifestJson.encode(back));
            assertEquals("urn:oid:" + sops.get(i), back.getIdentifier().getValue());
        }
    }

    /** Every mapped field, in a form where equal meaning gives equal text. */
    static String canonical(ImagingManifest m, boolean withIdentifier) {
        StringBuilder sb = new StringBuilder();
        if (withIdentifier && m.hasIdentifier()) {
            sb.append("id=").append(m.getIdentifier().getSystem()).append('|').append(m.getIdentifier().getValue()).append('\n');
        }
        Reference p = m.getPatient();
        sb.append("patient=").append(p.getIdentifier().getSystem()).append('|').append(p.getIdentifier().getValue())
                .append('|').append(p.getDisplay()).append('\n');
        if (m.hasAuthoringTimeElement()) {
            DateTimeType t = m.getAuthoringTimeElement();
            sb.append("time=").append(t.getValue().toInstant()).append(' ').append(t.getTimeZone().getRawOffset()).append('\n');
        }
        if (m.hasAuthor()) {
            Reference a = m.getAuthor();
            sb.append("author=").append(a.getIdentifier().getSystem()).append('|').append(a.getIdentifier().getValue())
                    .append('|').append(a.getDisplay()).append('|').append(ManifestParts.organization(a)).append('\n');
        }
        sb.append("description=").append(m.getDescription()).append('\n');
        DicomCode title = ManifestParts.title(m);
        sb.append("title=").append(title.value()).append('|').append(title.schemeDesignator()).append('|')
                .append(title.meaning()).append('\n');
        for (ImagingManifest.StudyComponent s : m.getStudy()) {
            RetrieveLocation studyLoc = ManifestParts.location(m, s.getEndpoint());
            sb.append("study=").append(s.getUid()).append('\n');
            for (ImagingManifest.SeriesComponent r : s.getSeries()) {
                RetrieveLocation own = ManifestParts.location(m, r.getEndpoint());
                sb.append(" series=").append(r.getUid()).append(" at ").append(own != null ? own : studyLoc).append('\n');
                r.getInstance().forEach(i -> sb.append("  ").append(i.getSopClass()).append(' ').append(i.getUid()).append('\n'));
            }
        }
        return sb.toString();
    }

    @Provide
    Arbitrary<ImagingManifest> manifests() {
        Arbitrary<String> names = personNames();
        Arbitrary<String> system = Arbitraries.of("urn:oid:1.2.3.4.5", "http://hospital.example/mrn", "NONE");
        Arbitrary<String> id = Arbitraries.strings().withCharRange('A', 'Z').numeric().ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> time = Combinators.combine(
                Arbitraries.longs().between(0, 4_000_000_000L), Arbitraries.of("Z", "+01:00", "-05:30", "+14:00"),
                Arbitraries.integers().between(-1, 999)).as((secs, zone, millis) -> {
                    String local = Instant.ofEpochSecond(secs).toString().substring(0, 19);
                    return local + (millis < 0 ? "" : String.format(".%03d", millis)) + zone;
                });
        Arbitrary<Integer> authorKind = Arbitraries.integers().between(0, 3);
        Arbitrary<String> description = Arbitraries.oneOf(Arbitraries.just("NONE"), texts());
        Arbitrary<String> title = Arbitraries.oneOf(Arbitraries.just("NONE"), Arbitraries.of(TITLES));
        Arbitrary<List<List<Integer>>> shape = Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(3)
                .list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Integer> endpoints = Arbitraries.integers().between(0, 3);
        return Combinators.combine(names, system, id, time, authorKind, description, title, shape)
                .flatAs((name, sys, pid, t, ak, desc, ti, sh) -> Combinators.combine(endpoints, names,
                        Arbitraries.of(SOP_CLASSES).list().ofSize(12), Arbitraries.of(true, false))
                        .as((ep, authorName, classes, withId) -> {
                            ImagingManifest m = new ImagingManifest();
                            if (withId) {
                                m.setIdentifier(new Identifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + Uid.generate()));
                            }
                            Reference patient = new Reference().setDisplay(name);
                            patient.getIdentifier().setValue(pid);
                            if (!sys.equals("NONE")) {
                                patient.getIdentifier().setSystem(sys);
                            }
                            m.setPatient(patient);
                            m.setAuthoringTimeElement(new DateTimeType(t));
                            switch (ak) {
                                case 1 -> m.setAuthor(new Reference().setDisplay(authorName));
                                case 2 -> {
                                    Reference author = new Reference().setDisplay(authorName);
                                    author.addExtension(ManifestExtensions.OBSERVER_ORGANIZATION, new StringType("Clinic Ü"));
                                    m.setAuthor(author);
                                }
                                case 3 -> m.setAuthor(new Reference().setIdentifier(new Identifier()
                                        .setSystem("urn:dicom:uid").setValue("urn:oid:" + Uid.generate())).setDisplay("Device " + pid));
                                default -> { }
                            }
                            if (!desc.equals("NONE")) {
                                m.setDescription(desc);
                            }
                            if (!ti.equals("NONE")) {
                                m.addExtension(KosTitle.EXTENSION_URL, Manifests.title(ti));
                            }
                            if (ep > 0) {
                                m.addContained(Manifests.wadoRs("a", "https://pacs.example.org/dicom-web", ep > 1 ? "PACS AE" : null));
                                m.addContained(Manifests.wadoRs("b", "http://viewer.example/wado", null));
                            }
                            int c = 0;
                            for (List<Integer> studyShape : sh) {
                                ImagingManifest.StudyComponent study = m.addStudy().setUid("urn:oid:" + Uid.generate());
                                if (ep == 1 || ep == 3) {
                                    study.addEndpoint(new Reference("#a"));
                                }
                                for (int n : studyShape) {
                                    ImagingManifest.SeriesComponent series = study.addSeries().setUid("urn:oid:" + Uid.generate());
                                    if (ep >= 2 && n % 2 == 0) {
                                        series.addEndpoint(new Reference("#b"));
                                    }
                                    for (int i = 0; i < n; i++) {
                                        series.addInstance().setSopClass("urn:oid:" + classes.get(c++ % classes.size()))
                                                .setUid("urn:oid:" + Uid.generate());
                                    }
                                }
                            }
                            return m;
                        }));
    }

    private static Arbitrary<String> personNames() {
        Arbitrary<String> part = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzÄÖÜäöüßéçøåŁ山田太郎")
                .ofMinLength(1).ofMaxLength(12);
        return Combinators.combine(part, part, Arbitraries.of("", "^Q", "=ヤマダ^タロウ"))
                .as((family, given, rest) -> family + "^" + given + rest);
    }

    private static Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abc XYZ 0123456789.,;:-_äöü—€中文").ofMinLength(1).ofMaxLength(200)
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    // ---- KOS (as another producer might write it) -> manifest -> KOS keeps selection, title,
    // description, observer, patient and content date/time

    @Property(tries = 150)
    void kosToManifestToKos(@ForAll("producerKos") DataSet kos) {
        ImagingManifest m = READER.translate(Part10.read(Part10.write(kos, Uid.ImplicitVRLittleEndian)).dataSet());
        KosDocument again = new ManifestToKos(null).translate(m, Map.of()).get(0);
        DataSet back = Part10.read(again.toPart10()).dataSet();
        // a KOS without Timezone Offset From UTC comes back with the reader's zone: compare the local time
        boolean offset = kos.contains(Tag.TimezoneOffsetFromUTC);
        assertEquals(essence(kos, offset), essence(back, offset));
    }

    /** What the KOS → manifest → KOS round trip keeps, as text. */
    static String essence(DataSet kos, boolean withOffset) {
        StringBuilder sb = new StringBuilder();
        TreeSet<String> selected = new TreeSet<>();
        for (DataSet study : kos.getSequence(Tag.CurrentRequestedProcedureEvidenceSequence)) {
            for (DataSet series : study.getSequence(Tag.ReferencedSeriesSequence)) {
                for (DataSet ref : series.getSequence(Tag.ReferencedSOPSequence)) {
                    selected.add(study.getString(Tag.StudyInstanceUID) + "/" + series.getString(Tag.SeriesInstanceUID)
                            + "/" + ref.getString(Tag.ReferencedSOPClassUID) + "/" + ref.getString(Tag.ReferencedSOPInstanceUID));
                }
            }
        }
        sb.append(selected).append('\n');
        sb.append("title=").append(DicomCode.fromSequence(kos, Tag.ConceptNameCodeSequence)).append('\n');
        sb.append("patient=").append(kos.getString(Tag.PatientName)).append('|').append(kos.getString(Tag.PatientID))
                .append('|').append(kos.getString(Tag.IssuerOfPatientID)).append('\n');
        sb.append("content=").append(kos.getString(Tag.ContentDate)).append(' ').append(kos.getString(Tag.ContentTime));
        if (withOffset) {
            sb.append(' ').append(kos.getString(Tag.TimezoneOffsetFromUTC));
        }
        sb.append('\n');
        for (DataSet item : kos.getSequence(Tag.ContentSequence)) {
            String type = item.getString(Tag.ValueType);
            // TID 1002: Observer Type defaults to Person, so an explicit Person item says nothing more
            boolean defaultObserverType = KosCodes.OBSERVER_TYPE.sameCode(DicomCode.fromSequence(item, Tag.ConceptNameCodeSequence))
                    && KosCodes.PERSON.sameCode(DicomCode.fromSequence(item, Tag.ConceptCodeSequence));
            if (!List.of("IMAGE", "WAVEFORM", "COMPOSITE").contains(type) && !defaultObserverType) {
                sb.append(item.getString(Tag.RelationshipType)).append(' ').append(type).append(' ')
                        .append(DicomCode.fromSequence(item, Tag.ConceptNameCodeSequence).value()).append('=')
                        .append(item.getString(Tag.TextValue, "")).append(item.getString(Tag.PersonName, ""))
                        .append(item.getString(Tag.UID, ""))
                        .append(DicomCode.fromSequence(item, Tag.ConceptCodeSequence) == null ? ""
                                : DicomCode.fromSequence(item, Tag.ConceptCodeSequence).value())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    @Provide
    Arbitrary<DataSet> producerKos() {
        Arbitrary<String> title = Arbitraries.of(TITLES);
        Arbitrary<Integer> observer = Arbitraries.integers().between(0, 2);
        Arbitrary<String> description = Arbitraries.oneOf(Arbitraries.just("NONE"), texts());
        Arbitrary<String> offset = Arbitraries.of("NONE", "+0000", "+0200", "-0800");
        Arbitrary<List<List<Integer>>> shape = Arbitraries.integers().between(1, 3).list().ofMinSize(1).ofMaxSize(3)
                .list().ofMinSize(1).ofMaxSize(2);
        Arbitrary<Integer> retrieve = Arbitraries.integers().between(0, 2);
        return Combinators.combine(title, observer, description, offset, shape, retrieve, personNames(),
                Arbitraries.of(true, false)).as((ti, ob, desc, off, sh, rt, name, issuer) -> {
                    DataSet ds = new DataSet();
                    ds.setString(Tag.SpecificCharacterSet, Vr.CS, "ISO_IR 192");
                    ds.setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
                    ds.setString(Tag.SOPInstanceUID, Vr.UI, Uid.generate());
                    ds.setString(Tag.ContentDate, Vr.DA, "20230815");
                    ds.setString(Tag.ContentTime, Vr.TM, "134501.5");
                    if (!off.equals("NONE")) {
                        ds.setString(Tag.TimezoneOffsetFromUTC, Vr.SH, off);
                    }
                    ds.setString(Tag.PatientName, Vr.PN, name);
                    ds.setString(Tag.PatientID, Vr.LO, "P" + name.length());
                    if (issuer) {
                        ds.setString(Tag.IssuerOfPatientID, Vr.LO, "HOSP-A");
                    }
                    ds.setString(Tag.ValueType, Vr.CS, "CONTAINER");
                    DicomCode.dcm(ti, KosTitle.meaningOf(ti)).writeTo(ds, Tag.ConceptNameCodeSequence);
                    Sequence content = ds.newSequence(Tag.ContentSequence);
                    if (ob == 1) {
                        DataSet pn = item(content, "HAS OBS CONTEXT", "PNAME", KosCodes.PERSON_OBSERVER_NAME);
                        pn.setString(Tag.PersonName, Vr.PN, name);
                    } else if (ob == 2) {
                        DataSet type = item(content, "HAS OBS CONTEXT", "CODE", KosCodes.OBSERVER_TYPE);
                        KosCodes.DEVICE.writeTo(type, Tag.ConceptCodeSequence);
                        item(content, "HAS OBS CONTEXT", "UIDREF", KosCodes.DEVICE_OBSERVER_UID)
                                .setString(Tag.UID, Vr.UI, Uid.generate());
                    }
                    if (!desc.equals("NONE")) {
                        item(content, "CONTAINS", "TEXT", KosCodes.KEY_OBJECT_DESCRIPTION).setString(Tag.TextValue, Vr.UT, desc);
                    }
                    Sequence evidence = ds.newSequence(Tag.CurrentRequestedProcedureEvidenceSequence);
                    int c = 0;
                    for (List<Integer> studyShape : sh) {
                        DataSet study = evidence.addItem();
                        String studyUid = Uid.generate();
                        study.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
                        Sequence seriesSeq = study.newSequence(Tag.ReferencedSeriesSequence);
                        for (int n : studyShape) {
                            DataSet series = seriesSeq.addItem();
                            String seriesUid = Uid.generate();
                            series.setString(Tag.SeriesInstanceUID, Vr.UI, seriesUid);
                            if (rt == 1) {
                                series.setString(Tag.RetrieveURL, Vr.UR,
                                        "https://pacs.example/rs/studies/" + studyUid + "/series/" + seriesUid);
                                series.setString(Tag.RetrieveAETitle, Vr.AE, "ARCHIVE");
                            } else if (rt == 2) {
                                series.setString(Tag.RetrieveAETitle, Vr.AE, "DIMSE ONLY");
                            }
                            Sequence refs = series.newSequence(Tag.ReferencedSOPSequence);
                            for (int i = 0; i < n; i++) {
                                String cls = SOP_CLASSES.get(c++ % SOP_CLASSES.size());
                                String uid = Uid.generate();
                                DataSet ref = refs.addItem();
                                ref.setString(Tag.ReferencedSOPClassUID, Vr.UI, cls);
                                ref.setString(Tag.ReferencedSOPInstanceUID, Vr.UI, uid);
                                DataSet ci = item(content, "CONTAINS", ValueType.forReferencedSopClass(cls).name(), null);
                                DataSet r = ci.newSequence(Tag.ReferencedSOPSequence).addItem();
                                r.setString(Tag.ReferencedSOPClassUID, Vr.UI, cls);
                                r.setString(Tag.ReferencedSOPInstanceUID, Vr.UI, uid);
                            }
                        }
                    }
                    return ds;
                });
    }

    private static DataSet item(Sequence content, String relationship, String type, DicomCode concept) {
        DataSet item = content.addItem();
        item.setString(Tag.RelationshipType, Vr.CS, relationship);
        item.setString(Tag.ValueType, Vr.CS, type);
        if (concept != null) {
            concept.writeTo(item, Tag.ConceptNameCodeSequence);
        }
        return item;
    }
}
