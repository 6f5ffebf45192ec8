package com.imagingmanifest.gateway;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The R5 view's contract on the embedded H2 store, against a private Orthanc. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImagingSelectionH2ApiTest extends ImagingSelectionApiContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        OrthancApiContract.orthancOrganizations(registry);
    }
}
