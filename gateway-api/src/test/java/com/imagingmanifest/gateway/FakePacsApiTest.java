package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.gateway.manifest.KosTranslation;
import com.imagingmanifest.gateway.tenant.PacsOpener;
import java.util.List;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API contract on H2 with an in-memory PACS: fast, and independent of the DICOM modules. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FakePacsApiTest extends ManifestApiContract {
    static final FakePacs PACS = new FakePacs();
    static final FakePacs DOWN = new FakePacs();

    static {
        DOWN.down = true;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiTestSupport.organizations(registry, "orthanc", "127.0.0.1", 104, "http://127.0.0.1:8042/dicom-web",
                "http://127.0.0.1:8042", "u", "p", 1);
    }

    @TestConfiguration
    static class Fakes {
        @Bean
        @org.springframework.context.annotation.Primary
        PacsOpener fakePacsOpener() {
            return binding -> binding.port() == 1 ? DOWN : PACS;
        }

        @Bean
        @org.springframework.context.annotation.Primary
        KosTranslation fakeTranslation() {
            return new FakeKosTranslation();
        }
    }

    @Override
    protected ApiTestSupport.Study newStudy(String patientId) {
        String study = Uid.generate();
        PACS.addStudy(study, patientId, "urn:oid:1.2.3.4.5");
        DOWN.addStudy(study, patientId, "urn:oid:1.2.3.4.5");
        return new ApiTestSupport.Study(study, Uid.generate(), List.of(Uid.generate(), Uid.generate()),
                Uid.CTImageStorage, patientId, "urn:oid:1.2.3.4.5");
    }

    @Override
    protected boolean kosOnPacs(String studyUid, String sopUid) {
        return PACS.stored.containsKey(sopUid);
    }

    @Override
    protected void verifyKos(String studyUid, String sopUid) {
        assertThat(PACS.stored).containsKey(sopUid);
    }
}
