package com.imagingmanifest.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.DcmqrscpProbe;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PACS a fault test runs against, so that one test serves both real archives: Orthanc (kind
 * orthanc, superseded KOS deleted) and DCMTK's dcmqrscp (kind dimse, DIMSE only, superseded KOS
 * rejected by IOCM notes, retrieval by C-MOVE to the gateway's SCP).
 */
interface Archive extends AutoCloseable {

    /** {@code orthanc} or {@code dcmqrscp}, as in the test's parameter. */
    String name();

    /** The gateway's properties binding organization demo to this archive. */
    Map<String, String> gatewayProperties();

    ApiTestSupport.Study newStudy(String patientId);

    /**
     * The KOS of the study that are live on the archive: every KO instance, less rejection notes and
     * the KOS they reject. On an archive that rejects it also checks that no KOS has two notes.
     */
    Set<String> liveKos(String studyUid);

    /**
     * The statuses a write may rightly answer while the archive is down or recovering from its kill:
     * 503 (unavailable), and on an archive that then answers C-STOREs with a failure status, the 502
     * the gateway gives for a refusal.
     */
    Set<Integer> refusals();

    /** Whether the archive holds KO instance {@code sop} of the study (rejected or not). */
    boolean holds(String studyUid, String sop);

    /** What the archive holds of KOS {@code sop}, for a failure message. */
    String whereIs(String studyUid, String sop);

    /** Stores a DICOM file the way another system would (not through the gateway). */
    void storeFromElsewhere(Path file);

    void kill();

    void restart();

    @Override
    void close();

    static Archive start(String name) {
        return switch (name) {
            case "orthanc" -> new OrthancArchive(PrivateOrthanc.start(Map.of()));
            case "dcmqrscp" -> DcmqrscpArchive.start();
            default -> throw new IllegalArgumentException("no archive " + name);
        };
    }

    record OrthancArchive(PrivateOrthanc orthanc) implements Archive {
        @Override
        public String name() {
            return "orthanc";
        }

        @Override
        public Map<String, String> gatewayProperties() {
            return GatewayChild.orthancProperties(orthanc);
        }

        @Override
        public ApiTestSupport.Study newStudy(String patientId) {
            return Rig.newStudy(orthanc, patientId);
        }

        @Override
        public Set<String> liveKos(String studyUid) {
            return Rig.kosOnOrthanc(orthanc, studyUid);
        }

        @Override
        public Set<Integer> refusals() {
            return Set.of(503);
        }

        @Override
        public boolean holds(String studyUid, String sop) {
            return liveKos(studyUid).contains(sop);
        }

        @Override
        public String whereIs(String studyUid, String sop) {
            return holds(studyUid, sop) ? "on Orthanc" : "not on Orthanc";
        }

        @Override
        public void storeFromElsewhere(Path file) {
            try {
                orthanc.post("/instances", "application/dicom", Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void kill() {
            orthanc.kill();
        }

        @Override
        public void restart() {
            orthanc.restart();
        }

        @Override
        public void close() {
            orthanc.close();
        }
    }

    /** dcmqrscp moving to the gateway's SCP, which listens on a port chosen before the archive starts. */
    record DcmqrscpArchive(Dcmqrscp archive, DcmqrscpProbe probe, int scpPort) implements Archive {
        static final String SCP_AE = "GWFAULTS";

        static DcmqrscpArchive start() {
            int scpPort = FreePorts.find();
            Dcmqrscp archive = Dcmqrscp.start("QRFAULTS", List.of(new Dcmqrscp.Destination(SCP_AE, scpPort)));
            return new DcmqrscpArchive(archive, new DcmqrscpProbe(archive), scpPort);
        }

        @Override
        public String name() {
            return "dcmqrscp";
        }

        @Override
        public Map<String, String> gatewayProperties() {
            String o = "gateway.organizations[0].";
            Map<String, String> p = new LinkedHashMap<>();
            p.put(o + "pacs.kind", "dimse");
            p.put(o + "pacs.ae-title", archive.aeTitle());
            p.put(o + "pacs.host", archive.host());
            p.put(o + "pacs.port", Integer.toString(archive.port()));
            // no DICOMweb on this archive: the URL only names the viewers' base in Endpoint.address
            p.put(o + "pacs.dicomweb-url", "http://127.0.0.1:" + FreePorts.find() + "/dicom-web");
            p.put(o + "pacs.retrieve", "c-move");
            // more would let dcmqrscp write two objects into one file (Dcmqrscp.STORING_ASSOCIATIONS)
            p.put(o + "pacs.max-associations", Integer.toString(Dcmqrscp.STORING_ASSOCIATIONS));
            p.put(o + "scp-ae-title", SCP_AE);
            p.put("gateway.scp.port", Integer.toString(scpPort));
            return p;
        }

        @Override
        public ApiTestSupport.Study newStudy(String patientId) {
            return probe.newCtStudy(patientId);
        }

        @Override
        public Set<String> liveKos(String studyUid) {
            Map<String, String> all = probe.kosOfStudy(studyUid);
            Map<String, String> rejected = probe.rejections(studyUid, all);
            Set<String> live = new HashSet<>(all.keySet());
            live.removeAll(probe.notes(studyUid, all));
            assertThat(live).as("every rejected KOS is on the archive").containsAll(rejected.keySet());
            live.removeAll(rejected.keySet());
            return live;
        }

        @Override
        public Set<Integer> refusals() {
            // right after its restart, with the index its kill damaged (DcmqrscpProbe.ArchiveDamaged),
            // dcmqrscp was seen to answer a C-STORE with failure 0xC000: a refusal by the archive
            return Set.of(503, 502);
        }

        @Override
        public boolean holds(String studyUid, String sop) {
            return probe.kosOfStudy(studyUid).containsKey(sop);
        }

        @Override
        public String whereIs(String studyUid, String sop) {
            Map<String, String> all = probe.kosOfStudy(studyUid);
            if (!all.containsKey(sop)) {
                return "not on dcmqrscp (" + all.size() + " KO instances in the study)";
            }
            try {
                return "on dcmqrscp, rejected: " + probe.rejections(studyUid, all).get(sop);
            } catch (AssertionError | DcmqrscpProbe.ArchiveDamaged e) {
                return "on dcmqrscp; " + e.getMessage();
            }
        }

        @Override
        public void storeFromElsewhere(Path file) {
            probe.store(file);
        }

        @Override
        public void kill() {
            archive.kill();
        }

        @Override
        public void restart() {
            archive.restart();
        }

        @Override
        public void close() {
            probe.close();
            archive.close();
        }
    }
}
