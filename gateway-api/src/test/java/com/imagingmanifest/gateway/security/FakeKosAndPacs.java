package com.imagingmanifest.gateway.security;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.gateway.manifest.KosTranslation;
import com.imagingmanifest.gateway.tenant.PacsOpener;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.KosChanges;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsCapability;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.QueryLevel;
import com.imagingmanifest.pacs.StoreResult;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The KOS translation and the PACS replaced by in-memory fakes, so that security, logging and metrics
 * tests exercise the real FHIR server and store without a PACS (the real PACS and translation are
 * tested in their modules and in the API's own tests). A PACS whose binding's AE title is {@code DOWN}
 * fails every call as unreachable.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FakeKosAndPacs {

    @Bean
    @Primary
    KosTranslation fakeKosTranslation() {
        return new KosTranslation() {
            @Override
            public List<Problem> validate(ImagingManifest manifest) {
                return manifest.getStudy().isEmpty()
                        ? List.of(new Problem("ImagingManifest.study", "at least one study is required"))
                        : List.of();
            }

            @Override
            public List<Kos> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts,
                    com.imagingmanifest.pacs.PacsBinding binding, List<String> sopInstanceUids) {
                List<Kos> kos = new ArrayList<>();
                int i = 0;
                for (String study : studyContexts.keySet()) {
                    String sop = sopInstanceUids != null ? sopInstanceUids.get(i) : Uid.generate();
                    kos.add(new Kos(sop, study, Uid.generate(), sop.getBytes()));
                    i++;
                }
                return kos;
            }
        };
    }

    @Bean
    @Primary
    PacsOpener fakePacsOpener() {
        return binding -> new InMemoryPacs("DOWN".equals(binding.aeTitle()));
    }

    /** Holds stored KOS bytes; knows every study (with a fixed patient). */
    static final class InMemoryPacs implements Pacs {
        private final boolean down;
        final Map<String, byte[]> stored = new ConcurrentHashMap<>();

        InMemoryPacs(boolean down) {
            this.down = down;
        }

        private void reachable() throws PacsException {
            if (down) {
                throw new PacsException(PacsException.Kind.UNREACHABLE, "connection refused (fake PACS is down)");
            }
        }

        @Override
        public Set<PacsCapability> capabilities() {
            return EnumSet.of(PacsCapability.STORE, PacsCapability.STUDY_CONTEXT, PacsCapability.DELETE);
        }

        @Override
        public void check() throws PacsException {
            reachable();
        }

        @Override
        public StoreResult store(byte[] part10) throws PacsException {
            reachable();
            String sop = new String(part10);
            stored.put(sop, part10);
            return new StoreResult(new InstanceRef(null, null, sop, Uid.KeyObjectSelectionDocumentStorage), 0, null);
        }

        @Override
        public List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException {
            reachable();
            return List.of();
        }

        @Override
        public Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException {
            reachable();
            DataSet context = new DataSet();
            context.setString(Tag.PatientID, Vr.LO, "PAT-KOS-1");
            context.setString(Tag.PatientName, Vr.PN, "Test^Patient");
            context.setString(Tag.StudyInstanceUID, Vr.UI, studyInstanceUid);
            return Optional.of(context);
        }

        @Override
        public Optional<byte[]> retrieve(String study, String series, String sop) throws PacsException {
            reachable();
            return Optional.ofNullable(stored.get(sop));
        }

        @Override
        public void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException {
            reachable();
            stored.remove(kos.sopInstanceUid());
        }

        @Override
        public KosChanges kosSince(String cursor, int limit) throws PacsException {
            reachable();
            return new KosChanges(List.of(), cursor, true);
        }

        @Override
        public void close() {
        }
    }
}
