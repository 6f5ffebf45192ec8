package com.imagingmanifest.gateway;

import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.FreePorts;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The R5 view's contract with {@code kind=dimse} against DCMTK's dcmqrscp, on an H2 file of its own. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ImagingSelectionDcmqrscpApiTest extends ImagingSelectionApiContract {
    static final Dcmqrscp ARCHIVE = Dcmqrscp.start("QRSELECT", List.of());
    static final int CLOSED = FreePorts.find();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiTestSupport.dcmqrscpOrganizations(registry, ARCHIVE, CLOSED);
    }

    @AfterAll
    static void stopArchive() {
        ARCHIVE.close();
    }

    @Override
    protected ApiTestSupport.Study study(String patient) {
        return DcmqrscpH2ApiTest.storeStudy(ARCHIVE, patient);
    }

    @Override
    protected String dicomwebAddress() {
        return "http://127.0.0.1:" + CLOSED + "/dicom-web";
    }
}
