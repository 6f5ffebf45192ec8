package com.imagingmanifest.gateway;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API contract on the embedded H2 store, against a private Orthanc. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrthancH2ApiTest extends OrthancApiContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        orthancOrganizations(registry);
    }
}
