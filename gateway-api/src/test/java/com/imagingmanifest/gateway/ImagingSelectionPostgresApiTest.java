package com.imagingmanifest.gateway;

import com.imagingmanifest.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The R5 view's contract on PostgreSQL (a fresh database, dropped afterwards), against a private Orthanc. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ImagingSelectionPostgresApiTest extends ImagingSelectionApiContract {
    static final PostgresDatabase DATABASE = PostgresDatabase.create();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        OrthancApiContract.orthancOrganizations(registry);
        ApiTestSupport.datasource(registry, DATABASE);
    }

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }
}
