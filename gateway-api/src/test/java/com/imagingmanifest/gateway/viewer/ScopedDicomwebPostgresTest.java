package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The selection-scoped DICOMweb on PostgreSQL (migrations V8 and V9, the selection look-ups). */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ScopedDicomwebPostgresTest extends ScopedDicomwebTest {
    static final PostgresDatabase DATABASE = PostgresDatabase.create();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        com.imagingmanifest.gateway.ApiTestSupport.datasource(registry, DATABASE);
    }

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }
}
